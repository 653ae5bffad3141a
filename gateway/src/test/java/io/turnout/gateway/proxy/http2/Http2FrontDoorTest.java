package io.turnout.gateway.proxy.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.turnout.gateway.testing.Commands;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestCertificates;
import io.turnout.gateway.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 at the front door with real clients: curl over TLS (ALPN h2) and with prior knowledge on
 * the plain port (h2c), HTTP/1.1 still on both ports, {@code Upgrade: h2c} answered over HTTP/1.1,
 * and h2load's thousands of multiplexed requests without an error.
 */
class Http2FrontDoorTest {
  private static final String HOST = "shop.example.com";
  private static TestUpstream app;
  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(TestCertificates.opensslAvailable(), "openssl makes the test certificate");
    assumeTrue(Commands.curlHasHttp2(), "this curl has no HTTP2 support");
    Path dir = Files.createTempDirectory("turnout-h2");
    Path[] pem = TestCertificates.selfSigned(dir, "tls", HOST, "DNS:" + HOST + ",IP:127.0.0.1");
    app = TestUpstream.start("app");
    gw =
        GatewayFixture.start(
            """
            listen: { http: 0, admin: 0, https: 0, address: 127.0.0.1 }
            tls: { certFile: "%s", keyFile: "%s" }
            accessLog: false
            hosts:
              - host: %s
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(pem[0], pem[1], HOST, app.endpoint()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (app != null) {
      app.close();
    }
  }

  private static Commands.Result curl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
    cmd.addAll(List.of(args));
    return Commands.run(60, cmd);
  }

  private static String resolve(int port) {
    return HOST + ":" + port + ":127.0.0.1";
  }

  @Test
  void curlHttp2OverTlsGetsAnAnswerThroughTheGateway() throws Exception {
    int port = gw.server().httpsPort();
    Commands.Result r =
        curl(
            "-k",
            "--http2",
            "--resolve",
            resolve(port),
            "-H",
            "Cookie: a=1",
            "-H",
            "Cookie: b=2",
            "-w",
            " %{http_version} %{http_code}",
            "https://" + HOST + ":" + port + "/page");
    assertEquals(0, r.exitCode(), r.output());
    assertEquals("app 2 200", r.output());
    assertEquals("https", app.lastHeaders().get("X-Forwarded-Proto"));
    assertTrue(app.lastHeaders().get("Host").startsWith(HOST), app.lastHeaders().toString());
    assertEquals(null, app.lastHeaders().get("x-http2-stream-id"));
  }

  @Test
  void curlPriorKnowledgeOnThePlainPortGetsAnAnswer() throws Exception {
    int port = gw.httpPort();
    Commands.Result r =
        curl(
            "--http2-prior-knowledge",
            "--resolve",
            resolve(port),
            "-w",
            " %{http_version} %{http_code}",
            "http://" + HOST + ":" + port + "/a");
    // One URL per run: curl 7.88 breaks its own reuse of a prior-knowledge connection
    // (curl/curl#10634); h2load below multiplexes thousands of streams instead.
    assertEquals(0, r.exitCode(), r.output());
    assertEquals("app 2 200", r.output());
    assertEquals("http", app.lastHeaders().get("X-Forwarded-Proto"));
  }

  @Test
  void http11StillWorksOnBothPortsAndUpgradeH2cIsAnsweredOverHttp11() throws Exception {
    int https = gw.server().httpsPort();
    int http = gw.httpPort();
    Commands.Result tls =
        curl(
            "-k",
            "--http1.1",
            "--resolve",
            resolve(https),
            "-w",
            " %{http_version}",
            "https://" + HOST + ":" + https + "/");
    assertEquals("app 1.1", tls.output());
    // curl --http2 on http:// asks for "Upgrade: h2c"; the gateway answers over HTTP/1.1.
    Commands.Result upgrade =
        curl(
            "--http2",
            "--resolve",
            resolve(http),
            "-w",
            " %{http_version}",
            "http://" + HOST + ":" + http + "/");
    assertEquals("app 1.1", upgrade.output());
    assertEquals(null, app.lastHeaders().get("Upgrade"));
  }

  @Test
  void h2loadRunsThousandsOfMultiplexedRequestsWithoutAnError() throws Exception {
    assumeTrue(Commands.available("h2load"), "h2load (nghttp2-client) is not installed");
    int port = gw.server().httpsPort();
    int before = app.requestsCompleted();
    Commands.Result r =
        Commands.run(
            120,
            List.of(
                "h2load",
                "-n",
                "3000",
                "-c",
                "4",
                "-m",
                "50",
                "-H",
                ":authority: " + HOST,
                "https://127.0.0.1:" + port + "/"));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().contains("3000 succeeded, 0 failed, 0 errored, 0 timeout"), r.output());
    assertTrue(r.output().contains("status codes: 3000 2xx"), r.output());
    assertTrue(r.output().contains("h2"), r.output());
    assertTrue(app.requestsCompleted() - before >= 3000);
  }
}
