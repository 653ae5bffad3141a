package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.TestUpstream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every status the gateway answers itself (docs/REFERENCE.md, interfaces) and the limits behind
 * them, through real sockets, with tight limits so each one trips quickly.
 */
class GatewayErrorStatusTest {
  static TestUpstream app;
  static int deadPort;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    try (ServerSocket s = new ServerSocket(0)) {
      deadPort = s.getLocalPort(); // nothing listens here once closed: connect is refused
    }
    gateway =
        GatewayFixture.start(
            """
            upstream: { responseTimeout: 500ms }
            limits:
              maxUriLength: 512
              maxHeaderSize: 1024
              maxBodySize: 1000
              headerReadTimeout: 500ms
              keepAliveTimeout: 500ms
              bodyReadTimeout: 500ms
            hosts:
              - host: shop.example.com
                routes:
                  - path: /
                    versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
                  - path: /dead
                    versions: [{name: v1, weight: 1, endpoints: ["127.0.0.1:%d"]}]
                  - path: /empty
                    versions: [{name: v1, weight: 1, endpoints: []}]
            """
                .formatted(app.endpoint(), deadPort));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    app.close();
  }

  private static RawHttp.Exchange send(String request) {
    return RawHttp.exchange(gateway.httpPort(), request, 5000);
  }

  private static String get(String target) {
    return "GET " + target + " HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n";
  }

  /** A short text/plain body that starts with the status and says why. */
  private static void assertGatewayError(int status, RawHttp.Exchange ex) {
    assertEquals(status, ex.status(), ex.response());
    String head = ex.head().toLowerCase();
    assertTrue(head.contains("content-type: text/plain"), head);
    assertTrue(ex.body().startsWith(status + " "), ex.body());
    assertTrue(ex.body().length() < 200, ex.body());
  }

  @Test
  void malformedRequestGets400() {
    assertGatewayError(
        400, send("GET /any HTTP/1.1\r\nHost: shop.example.com\r\nBad Header\r\n\r\n"));
  }

  @Test
  void unknownHostGets404() {
    assertGatewayError(
        404, send("GET / HTTP/1.1\r\nHost: other.example.org\r\nConnection: close\r\n\r\n"));
  }

  @Test
  void headersTooSlowGet408AtTheDeadlineWhateverThePace() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.httpPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      // A slowloris client: one header byte every 50 ms keeps the connection busy, never done.
      byte[] head = "GET /any HTTP/1.1\r\nHost: shop.example.com\r\nX-Slow: ".getBytes();
      out.write(head);
      try {
        for (int i = 0; i < 100; i++) {
          out.write('a');
          out.flush();
          Thread.sleep(50);
          if (s.getInputStream().available() > 0) {
            break;
          }
        }
      } catch (java.io.IOException closed) {
        // the gateway closed while we were still trickling: expected
      }
      RawHttp.Exchange ex = RawHttp.readUntilClosed(s.getInputStream());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertGatewayError(408, ex);
      assertTrue(ex.closed());
      assertTrue(millis >= 450 && millis < 2500, millis + " ms");
    }
  }

  @Test
  void bodyThatStopsMidwayGets408AndTheUpstreamIsCutOff() {
    int completed = app.requestsCompleted();
    long start = System.nanoTime();
    RawHttp.Exchange ex =
        send(
            "POST /upload HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 100\r\n\r\n"
                + "only ten b");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertGatewayError(408, ex);
    assertTrue(ex.closed());
    assertTrue(millis >= 450 && millis < 2500, millis + " ms");
    assertEquals(completed, app.requestsCompleted());
  }

  @Test
  void declaredBodyOverTheLimitGets413AndIsNeverForwarded() {
    int before = app.requestsReceived();
    RawHttp.Exchange ex =
        send(
            "POST /upload HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 1001\r\n\r\n"
                + "x".repeat(1001));
    assertGatewayError(413, ex);
    assertTrue(ex.closed());
    assertEquals(before, app.requestsReceived());
  }

  @Test
  void streamedBodyOverTheLimitGets413() {
    int completed = app.requestsCompleted();
    String chunk = Integer.toHexString(400) + "\r\n" + "x".repeat(400) + "\r\n";
    RawHttp.Exchange ex =
        send(
            "POST /upload HTTP/1.1\r\nHost: shop.example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk.repeat(5)
                + "0\r\n\r\n");
    assertGatewayError(413, ex);
    assertTrue(ex.closed());
    assertEquals(completed, app.requestsCompleted(), "the upstream got the whole body");
  }

  @Test
  void bodyAtTheLimitPasses() {
    RawHttp.Exchange ex =
        send(
            "POST /upload HTTP/1.1\r\nHost: shop.example.com\r\nContent-Length: 1000\r\n"
                + "Connection: close\r\n\r\n"
                + "x".repeat(1000));
    assertEquals(200, ex.status(), ex.response());
    assertEquals("1000", ex.body());
  }

  @Test
  void requestLineTooLongGets414() {
    assertGatewayError(414, send(get("/" + "a".repeat(600))));
  }

  @Test
  void headersTooLargeGet431() {
    assertGatewayError(
        431,
        send(
            "GET /any HTTP/1.1\r\nHost: shop.example.com\r\nX-Big: "
                + "b".repeat(1100)
                + "\r\n\r\n"));
  }

  @Test
  void invalidResponseFromUpstreamGets502() {
    assertGatewayError(502, send(get("/garbage")));
  }

  @Test
  void refusedConnectionGets502() {
    assertGatewayError(502, send(get("/dead")));
  }

  @Test
  void versionWithoutEndpointsGets503() {
    assertGatewayError(503, send(get("/empty")));
  }

  @Test
  void slowUpstreamGets504() {
    RawHttp.Exchange ex = send(get("/slow?ms=3000"));
    assertGatewayError(504, ex);
  }

  @Test
  void slowUpstreamGets504AfterAFastAnswerOnTheSameConnection() {
    // One timer per connection times every exchange's response head: armed by the first request,
    // it must still cut the second one at its own deadline.
    long start = System.nanoTime();
    RawHttp.Exchange ex =
        RawHttp.exchange(
            gateway.httpPort(),
            "GET /any HTTP/1.1\r\nHost: shop.example.com\r\n\r\n"
                + "GET /slow?ms=3000 HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close"
                + "\r\n\r\n",
            5000);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertTrue(ex.response().startsWith("HTTP/1.1 200 "), ex.response());
    assertTrue(ex.response().contains("HTTP/1.1 504 "), ex.response());
    assertTrue(millis >= 450 && millis < 2500, millis + " ms");
  }

  @Test
  void idleKeepAliveConnectionIsClosedAfterTheKeepAliveTimeout() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.httpPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              "GET /any HTTP/1.1\r\nHost: shop.example.com\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      long start = System.nanoTime();
      RawHttp.Exchange ex = RawHttp.readUntilClosed(in);
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(200, ex.status(), ex.response());
      assertTrue(ex.closed());
      assertTrue(millis >= 450 && millis < 2500, millis + " ms");
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedAtAccept() throws Exception {
    try (GatewayFixture small =
        GatewayFixture.start(
            """
            limits: { maxConnections: 2 }
            hosts:
              - host: shop.example.com
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(app.endpoint()))) {
      Socket a = new Socket("127.0.0.1", small.httpPort());
      Socket b = new Socket("127.0.0.1", small.httpPort());
      org.awaitility.Awaitility.await().until(() -> small.server().proxy().openConnections() == 2);
      RawHttp.Exchange refused =
          RawHttp.exchange(
              small.httpPort(),
              "GET /any HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n",
              5000);
      assertTrue(refused.closed());
      assertEquals(-1, refused.status(), refused.response());
      a.close();
      b.close();
      org.awaitility.Awaitility.await()
          .until(
              () ->
                  RawHttp.exchange(
                              small.httpPort(),
                              "GET /any HTTP/1.1\r\nHost: shop.example.com\r\n"
                                  + "Connection: close\r\n\r\n",
                              5000)
                          .status()
                      == 200);
    }
  }
}
