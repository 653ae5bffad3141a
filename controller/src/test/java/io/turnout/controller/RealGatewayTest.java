package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.testing.TestUpstream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path: Services in the (mock) API server, a real controller, a real gateway
 * (GatewayServer) fed over HTTP, and two upstream apps behind it.
 */
class RealGatewayTest {
  private FakeCluster cluster;
  private Controller controller;
  private TestUpstream blue;
  private TestUpstream green;
  private GatewayServer gateway;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
    cluster = new FakeCluster();
    cluster.shopApp("100", "0");
    // Both "pods" are on this machine; the slices give each its own target port.
    cluster.slice("shop", "shop-blue", "http", blue.port(), List.of("127.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
    controller = Controller.start(cluster.client(), Controller.Settings.defaults(0));
  }

  private GatewayServer startGateway() throws Exception {
    return GatewayServer.start(
        gatewayConfig(),
        ControllerSnapshotSource.create(
            ControllerSnapshotSource.Settings.of(
                    URI.create("http://127.0.0.1:" + controller.port()))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .withCacheFile(dir.resolve("snapshot.json"))));
  }

  /** Loopback, free ports, no drain delay: a gateway that starts and stops fast. */
  private static GatewayConfig gatewayConfig() throws ConfigException {
    // Parsed from YAML, as an operator writes it: immune to new fields in the config records.
    return ConfigFile.parse(
        "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
            + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
            + "accessLog: false\n");
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    controller.close();
    cluster.close();
    blue.close();
    green.close();
  }

  /** What {@code n} first-time visitors (no cookie) get, by upstream name. */
  private Map<String, Integer> newVisitors(int n) throws Exception {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < n; i++) {
      seen.merge(get("shop.example.com"), 1, Integer::sum);
    }
    return seen;
  }

  /** One request over a fresh connection (the JDK client will not set Host); body or status. */
  private String get(String host) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.httpPort())) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String status = response.substring(0, response.indexOf("\r\n"));
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      return status.contains(" 200 ") ? body : status;
    }
  }

  @Test
  void theGatewayChangesItsSplitAfterTurnoutWeightAndSwitch() throws Exception {
    gateway = startGateway();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.currentSnapshot() != null);
    assertEquals(Map.of("blue", 10), newVisitors(10));

    cluster.turnout("weight", "shop.example.com", "blue=0", "green=100").succeeded();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertEquals(Map.of("green", 10), newVisitors(10)));

    cluster.turnout("switch", "shop.example.com", "blue").succeeded();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertEquals(Map.of("blue", 10), newVisitors(10)));
  }

  @Test
  void aRestartedGatewayServesFromItsSnapshotCacheWhileTheControllerIsDown() throws Exception {
    gateway = startGateway();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.currentSnapshot() != null);
    gateway.close();
    gateway = null;
    controller.close();
    controller = Controller.start(cluster.client(), Controller.Settings.defaults(0));
    // The new gateway dials a port where nothing listens yet: only its cache can route.
    ControllerSnapshotSource.Settings nowhere =
        ControllerSnapshotSource.Settings.of(URI.create("http://127.0.0.1:1"))
            .withCacheFile(dir.resolve("snapshot.json"));
    gateway = GatewayServer.start(gatewayConfig(), ControllerSnapshotSource.create(nowhere));
    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.currentSnapshot() != null);
    assertEquals(Map.of("blue", 5), newVisitors(5));
  }
}
