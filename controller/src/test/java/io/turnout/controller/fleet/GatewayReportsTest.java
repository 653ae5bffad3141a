package io.turnout.controller.fleet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.controller.StubApp;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.report.FleetReporter;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real gateways report to a real controller over HTTP, and the controller's FleetStats sums them:
 * the app's 500s and the gateway's own 502s both count as errors of their version.
 */
class GatewayReportsTest {
  private FakeCluster cluster;
  private Controller controller;
  private StubApp green;
  private GatewayServer gateway1;
  private GatewayServer gateway2;
  private FleetReporter reporter1;
  private FleetReporter reporter2;

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {reporter1, reporter2, gateway1, gateway2}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception ignored) {
        // best effort
      }
    }
    controller.close();
    cluster.close();
    green.close();
  }

  private GatewayServer gateway() throws Exception {
    return GatewayServer.start(
        ConfigFile.parse(
            "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                + "shutdown: { drainDelay: 0s, timeout: 1s }\naccessLog: false\n"),
        ControllerSnapshotSource.create(
            ControllerSnapshotSource.Settings.of(controllerUrl())
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
  }

  private URI controllerUrl() {
    return URI.create("http://127.0.0.1:" + controller.port());
  }

  private static int get(GatewayServer gw, String host) throws Exception {
    return Integer.parseInt(exchange(gw, host, "").substring(9, 12));
  }

  /** One {@code GET /} with the extra header lines given; the whole response as text. */
  private static String exchange(GatewayServer gw, String host, String headers) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw.httpPort())) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The pin cookie ({@code name=value}) a first-time visitor is given. */
  private static String pinCookie(GatewayServer gw, String host) throws Exception {
    Matcher m = Pattern.compile("(?im)^set-cookie: *([^;\r\n]+)").matcher(exchange(gw, host, ""));
    assertTrue(m.find(), "a first-time visitor gets a pin cookie");
    return m.group(1);
  }

  @Test
  void twoGatewaysReportAndTheControllerSumsTheirRequestsAndErrors() throws Exception {
    green = StubApp.start("green", 500);
    cluster = new FakeCluster();
    cluster.shopApp("0", "100");
    cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
    // blue's only endpoint is a port nobody listens on: the gateway answers 502 itself.
    cluster.slice("shop", "shop-blue", "http", 1, List.of("127.0.0.1"), List.of());
    controller = Controller.start(cluster.client(), Controller.Settings.defaults(0));
    gateway1 = gateway();
    gateway2 = gateway();
    reporter1 =
        FleetReporter.start(List.of(controllerUrl()), gateway1::metrics, Duration.ofMillis(200));
    reporter2 =
        FleetReporter.start(List.of(controllerUrl()), gateway2::metrics, Duration.ofMillis(200));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gateway1.currentSnapshot() != null && gateway2.currentSnapshot() != null);
    // Both gateways have reported once: the window's baseline is a report from before it began.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> reporter1.sent() > 0 && reporter2.sent() > 0);
    long t0 = System.currentTimeMillis();
    for (int i = 0; i < 5; i++) {
      assertEquals(500, get(gateway1, "shop.example.com"));
      assertEquals(500, get(gateway2, "shop.example.com"));
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              WindowStats w =
                  controller
                      .fleet()
                      .window("shop.example.com", "green", t0, System.currentTimeMillis());
              assertEquals(10, w.requests());
              assertEquals(10, w.errors());
              assertEquals(2, w.gateways());
              assertTrue(w.p99Seconds() > 0 && w.p99Seconds() < 30, "p99 " + w.p99Seconds());
              assertEquals(0, w.pinned(), "first-time visitors only");
            });

    // One page: its HTML makes the pin, its four sub-requests come back with it.
    long tPin = System.currentTimeMillis();
    String cookie = pinCookie(gateway1, "shop.example.com");
    for (int i = 0; i < 4; i++) {
      String res = exchange(gateway1, "shop.example.com", "Cookie: " + cookie + "\r\n");
      assertTrue(res.startsWith("HTTP/1.1 500"), res);
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              WindowStats w =
                  controller
                      .fleet()
                      .window("shop.example.com", "green", tPin, System.currentTimeMillis());
              assertEquals(5, w.requests());
              assertEquals(4, w.pinned());
              assertEquals(80.0, w.pinnedPercent(), 1e-9);
            });

    cluster.annotate("shop", "shop-blue", "turnout.io/weight", "100");
    cluster.annotate("shop", "shop-green", "turnout.io/weight", "0");
    await().atMost(Duration.ofSeconds(10)).until(() -> get(gateway1, "shop.example.com") == 502);
    long t1 = System.currentTimeMillis();
    assertEquals(502, get(gateway1, "shop.example.com"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              WindowStats w =
                  controller
                      .fleet()
                      .window("shop.example.com", "blue", t1, System.currentTimeMillis());
              assertTrue(w.requests() >= 1 && w.errors() == w.requests(), w.toString());
            });

    // A gateway that stops reporting leaves the sum.
    reporter2.close();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertEquals(List.of(reporter1.gatewayId()), controller.fleet().liveGateways()));
  }
}
