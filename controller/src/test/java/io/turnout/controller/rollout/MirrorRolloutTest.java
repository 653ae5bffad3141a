package io.turnout.controller.rollout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.controller.StubApp;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.rollout.RolloutStatus.Phase;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.report.FleetReporter;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A rollout that starts with a mirror step, end to end: Services on the mock API server, a real
 * controller, a real gateway fed by it and reporting to it, blue live and green dark on loopback,
 * steady traffic. The watcher records what green's Service showed while the rollout ran.
 */
class MirrorRolloutTest {
  private static final String HOST = "shop.example.com";
  private final FakeCluster cluster = new FakeCluster();
  private Controller controller;
  private StubApp blue;
  private StubApp green;
  private GatewayServer gateway;
  private FleetReporter reporter;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private Thread traffic;
  private Thread watcher;
  private final AtomicInteger maxGreenWeight = new AtomicInteger();
  private final AtomicInteger maxWeightWhileMirrored = new AtomicInteger();
  private final AtomicBoolean mirrorSeen = new AtomicBoolean();
  private final AtomicBoolean mirrorStepSeen = new AtomicBoolean();

  @AfterEach
  void stop() throws Exception {
    running.set(false);
    for (Thread t : new Thread[] {traffic, watcher}) {
      if (t != null) {
        t.join(10_000);
      }
    }
    if (reporter != null) {
      reporter.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (controller != null) {
      controller.close();
    }
    cluster.close();
    if (blue != null) {
      blue.close();
    }
    if (green != null) {
      green.close();
    }
  }

  private void start(int greenStatus) throws Exception {
    cluster.shopApp("100", "0");
    blue = StubApp.start("blue", 200);
    green = StubApp.start("green", greenStatus);
    cluster.slice("shop", "shop-blue", "http", blue.port(), List.of("127.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
    RolloutSettings r =
        RolloutSettings.defaults()
            .withLease("default", "turnout-test")
            .withTimings(
                Duration.ofSeconds(4),
                Duration.ofSeconds(3),
                Duration.ofMillis(300),
                Duration.ofMillis(200));
    controller =
        Controller.start(cluster.client(), Controller.Settings.defaults(0).withRollouts(r));
    URI url = URI.create("http://127.0.0.1:" + controller.port());
    gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\naccessLog: false\n"),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(url)
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
    reporter = FleetReporter.start(List.of(url), gateway::metrics, Duration.ofMillis(250));
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.currentSnapshot() != null);
    int port = gateway.httpPort();
    traffic = daemon("test-traffic", () -> get(port), 5);
    watcher = daemon("test-watcher", this::watch, 50);
  }

  private Thread daemon(String name, ThrowingRunnable body, long pauseMillis) {
    Thread t =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  body.run();
                  Thread.sleep(pauseMillis);
                } catch (Exception e) {
                  // counted by the gateway, or the test is ending
                }
              }
            },
            name);
    t.start();
    return t;
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void get(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().readAllBytes();
    }
  }

  private void watch() {
    Map<String, String> a = annotations();
    int w = Integer.parseInt(a.getOrDefault(Annotations.WEIGHT, "0"));
    maxGreenWeight.accumulateAndGet(w, Math::max);
    if (a.get(Annotations.MIRROR) != null) {
      mirrorSeen.set(true);
      maxWeightWhileMirrored.accumulateAndGet(w, Math::max);
    }
    String st = a.get(Annotations.ROLLOUT_STATUS);
    if (st != null && RolloutStatus.parse(st).inMirrorStep()) {
      mirrorStepSeen.set(true);
    }
  }

  private Map<String, String> annotations() {
    return cluster
        .client()
        .services()
        .inNamespace("shop")
        .withName("shop-green")
        .get()
        .getMetadata()
        .getAnnotations();
  }

  private RolloutStatus status() {
    String st = annotations().get(Annotations.ROLLOUT_STATUS);
    return st == null ? null : RolloutStatus.parse(st);
  }

  private String turnout(String... args) {
    return cluster.turnout(args).succeeded();
  }

  private RolloutStatus rolloutToTheEnd() {
    turnout(
        "rollout",
        "start",
        HOST,
        "green",
        "--mirror",
        "50",
        "--mirror-interval",
        "1s",
        "--steps",
        "50,100",
        "--interval",
        "1s",
        "--min-requests",
        "5",
        "--max-p99",
        "5s",
        "--max-error-rate",
        "1");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> status() != null && status().phase().done());
    return status();
  }

  @Test
  void aHealthyMirrorStepPassesIntoTheWeightedStepsWithTheMirrorRemoved() throws Exception {
    start(200);
    long started = System.currentTimeMillis();
    RolloutStatus done = rolloutToTheEnd();
    assertEquals(Phase.Succeeded, done.phase(), done.toString());
    assertEquals(100, maxGreenWeight.get());
    assertTrue(mirrorStepSeen.get() && mirrorSeen.get(), "the rollout began with a mirror step");
    assertEquals(0, maxWeightWhileMirrored.get(), "green had no weight while it was mirrored");
    assertNull(annotations().get(Annotations.MIRROR), "mirror removed");
    System.out.printf(
        "MEASURED healthy mirror step + 2 weighted steps (1 s each): %d ms start to Succeeded%n",
        done.updatedAt() - started);
  }

  @Test
  void aTargetWhoseCopiesAnswer500FailsAtTheMirrorStepAndNeverGetsWeight() throws Exception {
    start(500);
    RolloutStatus failed = rolloutToTheEnd();
    assertEquals(Phase.Failed, failed.phase(), failed.toString());
    assertTrue(failed.inMirrorStep(), failed.toString());
    assertEquals("maxErrorRate", failed.failure().limit());
    assertEquals(100.0, failed.failure().measured(), 1e-9);
    assertTrue(failed.message().contains("at the mirror step"), failed.message());
    assertNull(annotations().get(Annotations.MIRROR), "mirror removed");
    assertTrue(mirrorSeen.get(), "green was mirrored");
    assertEquals(0, maxGreenWeight.get(), "green never got weight");
    assertTrue(green.served() >= 5, "green answered copies: " + green.served());
    System.out.printf(
        "MEASURED bad mirror step -> failed: %d ms after the step began, %d copies judged, green"
            + " answered %d copies and 0 users%n",
        failed.updatedAt() - failed.stepStartedAt(), failed.measured().requests(), green.served());
    String out = turnout("rollout", "status", HOST);
    assertTrue(
        out.contains("FAILED   maxErrorRate: measured 100.0, limit 1.0, at the mirror step"), out);
    await() // a Warning Event names the mirror step
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                cluster.client().v1().events().inNamespace("shop").list().getItems().stream()
                    .anyMatch(
                        e ->
                            "RolloutFailed".equals(e.getReason())
                                && e.getMessage().contains("at the mirror step")));
  }
}
