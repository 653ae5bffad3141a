package io.turnout.gateway.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Gauge;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.snapshot.SnapshotJson;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code turnout_controller_connected} follows the snapshot stream: 0 until it is up, 1 while it
 * is, 0 again when it drops; the alert "gateway not connected to the controller" reads it.
 */
class ControllerConnectedGaugeTest {
  @Test
  void theGaugeFollowsTheStream() throws Exception {
    GatewayMetrics metrics = new GatewayMetrics();
    RoutingState routing =
        new RoutingState(metrics, AffinitySettings.DEFAULTS, PreviewSettings.DEFAULTS);
    assertNull(gauge(metrics), "a gateway run from a file exports no such gauge");
    try (FakeSseServer controller = new FakeSseServer();
        ControllerSnapshotSource source =
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(controller.uri())
                    .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)))) {
      source.start(routing);
      // Registered at start (0, or already 1 if the stream came up that fast).
      assertTrue(value(metrics) >= 0, "registered when the controller source starts");
      FakeSseServer.Conn conn = controller.next();
      conn.snapshot(1, SnapshotJson.toJson(ControllerSnapshotSourceTest.snapshot(1, 10)));
      await().atMost(Duration.ofSeconds(30)).until(() -> value(metrics) == 1.0);
      controller.close();
      conn.close();
      await().atMost(Duration.ofSeconds(30)).until(() -> value(metrics) == 0.0);
    }
  }

  private static Gauge gauge(GatewayMetrics metrics) {
    return metrics.registry().find("turnout.controller.connected").gauge();
  }

  private static double value(GatewayMetrics metrics) {
    Gauge g = gauge(metrics);
    return g == null ? -1 : g.value();
  }
}
