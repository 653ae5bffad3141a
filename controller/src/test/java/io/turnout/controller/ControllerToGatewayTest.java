package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A gateway's snapshot source connected to a real controller over HTTP. */
class ControllerToGatewayTest {
  private FakeCluster cluster;
  private Controller controller;
  private ControllerSnapshotSource source;
  private final RecordingSink gateway = new RecordingSink();
  private int port;
  private final List<Runnable> afterTest = new java.util.ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    cluster = new FakeCluster();
    cluster.shopApp("90", "10");
    cluster.slice("shop", "shop-blue", "http", 8080, List.of("10.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", 8080, List.of("10.0.1.1"), List.of());
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // fixed, so a restarted controller comes back where gateways look
    }
    controller = startController();
    source =
        ControllerSnapshotSource.create(
            ControllerSnapshotSource.Settings.of(URI.create("http://127.0.0.1:" + port))
                .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500)));
    source.start(gateway);
  }

  /**
   * A controller process of its own (own API client, informers, reconciler, port). Its {@code
   * close()} is a crash as the gateways see it: the port goes away at once. Its informers are
   * stopped only at the end of the test, because the mock API server blocks one of its event loops
   * for up to a minute whenever a client closes a watch (WatchEventsListener.onClosed waits for a
   * queued watch-timeout task), which would stall the next controller's initial LIST.
   */
  private Controller startController() {
    io.fabric8.kubernetes.client.KubernetesClient client = cluster.newClient();
    var registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    var view = io.turnout.controller.k8s.InformerClusterView.create(client, List.of());
    var holder = new io.turnout.controller.k8s.Reconciler[1];
    SnapshotServer server =
        SnapshotServer.start(
            SnapshotServer.Settings.defaults(port).withHeartbeat(Duration.ofSeconds(1)),
            () -> holder[0] != null && holder[0].current() != null,
            registry);
    var reconciler =
        io.turnout.controller.k8s.Reconciler.create(
            view,
            Duration.ofMillis(25),
            server::publish,
            r -> {},
            registry,
            java.time.Clock.systemUTC());
    holder[0] = reconciler;
    view.start(reconciler::enqueue).thenRun(reconciler::kick);
    afterTest.add(
        () -> {
          view.close();
          client.close();
        });
    return new Controller() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public boolean ready() {
        return reconciler.current() != null;
      }

      @Override
      public Snapshot current() {
        return reconciler.current();
      }

      @Override
      public void close() {
        server.close();
        reconciler.close();
      }
    };
  }

  @AfterEach
  void stop() {
    source.close();
    if (controller != null) {
      controller.close();
    }
    afterTest.forEach(Runnable::run);
    cluster.close();
  }

  @Test
  void theGatewayFollowsTurnoutWeight() {
    await().until(() -> gateway.weightOf("green") == 10);
    cluster.turnout("weight", "shop.example.com", "green=40", "blue=60").succeeded();
    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.weightOf("green") == 40);
    assertEquals(60, gateway.weightOf("blue"));
    cluster.turnout("switch", "shop.example.com", "green").succeeded();
    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.weightOf("blue") == 0);
    assertEquals(100, gateway.weightOf("green"));
  }

  @Test
  void aControllerRestartLeavesTheGatewayOnItsLastSnapshotThenItCatchesUp() {
    await().until(() -> gateway.weightOf("green") == 10 && source.connected());
    Snapshot before = gateway.last();
    int offered = gateway.applied.size();

    controller.close();
    controller = null;
    await().until(() -> !source.connected());
    // While the controller is away the weights change; the gateway keeps its last snapshot.
    cluster.turnout("weight", "shop.example.com", "green=70", "blue=30").succeeded();
    await().during(Duration.ofMillis(500)).until(() -> gateway.applied.size() == offered);
    assertEquals(before, gateway.last());

    controller = startController();
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.weightOf("green") == 70);
    assertTrue(source.connected());
    assertTrue(gateway.last().version() > before.version(), "versions grow across restarts");
  }

  @Test
  void aRestartWithNothingChangedCausesNoSwap() {
    await().until(() -> gateway.weightOf("green") == 10 && source.connected());
    int offered = gateway.applied.size();
    controller.close();
    await().until(() -> !source.connected());
    controller = startController();
    await().atMost(Duration.ofSeconds(10)).until(() -> source.connected() && controller.ready());
    // The new controller's snapshot has a new version but the same routes: not offered again.
    await().during(Duration.ofMillis(500)).until(() -> gateway.applied.size() == offered);
    assertFalse(gateway.applied.isEmpty());
  }
}
