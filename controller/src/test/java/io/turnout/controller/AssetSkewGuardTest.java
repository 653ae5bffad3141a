package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.testing.TestUpstream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The asset skew guard with routes from the controller: Services in the (mock) API server, a real
 * controller, a real gateway fed over HTTP. Blue is switched away (it drains); green, the new
 * release, lacks blue's hashed chunk.
 */
class AssetSkewGuardTest {
  private static final String BLUE_CHUNK = "/assets/chunk-3f9a1c.js";

  private FakeCluster cluster;
  private Controller controller;
  private TestUpstream blue;
  private TestUpstream green;
  private GatewayServer gateway;

  @BeforeEach
  void start() throws Exception {
    blue = TestUpstream.start("blue").answerNotFoundUnder("/assets/nowhere", "/gone");
    green = TestUpstream.start("green").answerNotFoundUnder("/assets/", "/gone");
    cluster = new FakeCluster();
    cluster.shopApp("100", "0");
    cluster.slice("shop", "shop-blue", "http", blue.port(), List.of("127.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
    controller = Controller.start(cluster.client(), Controller.Settings.defaults(0));
    gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                    + "accessLog: false\n"),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(
                        URI.create("http://127.0.0.1:" + controller.port()))
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
    await().atMost(Duration.ofSeconds(30)).until(() -> gateway.currentSnapshot() != null);
  }

  @AfterEach
  void stop() {
    gateway.close();
    controller.close();
    cluster.close();
    blue.close();
    green.close();
  }

  /** A first-time visitor's GET (no cookie) over a fresh connection: "status served-by body". */
  private String get(String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.httpPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String status = response.substring(9, 12);
      String servedBy = "-";
      for (String line : response.substring(0, response.indexOf("\r\n\r\n")).split("\r\n")) {
        if (line.toLowerCase().startsWith("x-served-by:")) {
          servedBy = line.substring(line.indexOf(':') + 1).strip();
        }
      }
      return status + " " + servedBy + " " + response.substring(response.indexOf("\r\n\r\n") + 4);
    }
  }

  private double counter(String name, String... tags) {
    Counter c = gateway.metrics().registry().find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aChunkOnlyTheDrainingVersionHasIsServedAndOtherNotFoundsAreNot() throws Exception {
    // Green is dark: a new visitor lands on blue; blue's misses have nowhere to go.
    assertEquals("200 blue blue", get(BLUE_CHUNK));
    assertEquals("404 blue not found in blue", get("/assets/nowhere.js"));
    assertEquals(0, green.requestsReceived(), "a dark version is never asked");

    cluster.turnout("switch", "shop.example.com", "green").succeeded();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/index.html").equals("200 green green"));

    // New visitors now land on green, which lacks blue's chunk; draining blue still has it.
    assertEquals("200 blue blue", get(BLUE_CHUNK));
    assertEquals("404 green not found in green", get("/gone/page"), "not an asset path");
    assertEquals("404 blue not found in blue", get("/assets/nowhere.js"), "missing everywhere");
    assertEquals(
        2.0, counter("turnout.asset.misses", "host", "shop.example.com", "version", "green"), 0.0);
    assertEquals(
        2.0,
        counter(
            "turnout.asset.fallbacks", "host", "shop.example.com", "from", "green", "to", "blue"),
        0.0);
    Gauge connected = gateway.metrics().registry().find("turnout.controller.connected").gauge();
    assertEquals(1.0, connected.value(), 0.0);
  }
}
