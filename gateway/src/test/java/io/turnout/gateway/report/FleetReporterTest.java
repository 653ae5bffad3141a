package io.turnout.gateway.report;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.VersionMeters;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FleetReporterTest {
  @Test
  void totalsCountEveryFiveHundredAndCumulativeLatencyBuckets() {
    GatewayMetrics metrics = new GatewayMetrics();
    VersionMeters green = metrics.versionMeters("shop.example.com", "green");
    green.record(200, 2_000_000); // 2 ms
    green.record(500, 30_000_000); // 30 ms, the app's 500
    green.record(502, 700_000_000); // 700 ms, the gateway's own 502
    green.record(404, 40_000_000_000L); // 40 s, above the last bound
    VersionMeters.Totals t = green.totals();
    assertEquals(4, t.requests());
    assertEquals(2, t.serverErrors());
    // Bounds 1, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30 s; counts are "at most".
    assertArrayEquals(new long[] {0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3}, t.latency());
  }

  @Test
  void reportsArePostedAsJsonToTheController() throws Exception {
    AtomicReference<byte[]> body = new AtomicReference<>();
    HttpServer controller =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    controller.createContext(
        "/v1/reports",
        ex -> {
          body.set(ex.getRequestBody().readAllBytes());
          ex.sendResponseHeaders(204, -1);
          ex.close();
        });
    controller.start();
    GatewayMetrics metrics = new GatewayMetrics();
    metrics.versionMeters("shop.example.com", "green").record(503, 1_000_000);
    metrics.versionMeters("shop.example.com", "green").record(200, 1_000_000, true);
    metrics.versionMeters("shop.example.com", "green").record(200, 1_000_000, false);
    metrics.versionMeters(GatewayMetrics.NO_HOST, GatewayMetrics.NO_VERSION).record(404, 1);
    URI url = URI.create("http://127.0.0.1:" + controller.getAddress().getPort());
    try (FleetReporter r =
        FleetReporter.start(List.of(url), () -> metrics, Duration.ofMillis(50))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> r.sent() > 0);
      JsonNode report = new ObjectMapper().readTree(body.get());
      assertEquals(r.gatewayId(), report.get("gateway").asText());
      assertEquals(13, report.get("bounds").size());
      assertEquals(1, report.get("versions").size(), "requests before routing are nobody's");
      JsonNode v = report.get("versions").get(0);
      assertEquals("green", v.get("version").asText());
      assertEquals(3, v.get("requests").asLong());
      assertEquals(1, v.get("errors").asLong());
      assertEquals(0, v.get("assetMisses").asLong());
      assertEquals(1, v.get("pinned").asLong(), "only the request that kept its pin");
    } finally {
      controller.stop(0);
    }
  }
}
