package io.turnout.controller.rollout;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rollouts end to end: Services on the mock API server, real controllers (leader election on a
 * Lease there), a real gateway fed by them and reporting to them, two app versions on loopback, and
 * steady traffic from first-time visitors while the CLI starts a rollout.
 */
class RolloutTest {
  private static final String HOST = "shop.example.com";
  private FakeCluster cluster;
  private final List<Controller> controllers = new ArrayList<>();
  private StubApp blue;
  private StubApp green;
  private GatewayServer gateway;
  private FleetReporter reporter;
  private io.turnout.controller.GatewayProcess gatewayProcess;
  private int gatewayPort;
  private final AtomicBoolean trafficOn = new AtomicBoolean(true);
  private Thread traffic;
  private Thread watcher;

  /** Every (step, stepStartedAt) the status showed, and the highest green weight seen. */
  private final Map<Integer, List<Long>> stepStarts = new ConcurrentHashMap<>();

  private final AtomicInteger maxGreenWeight = new AtomicInteger();

  @BeforeEach
  void cluster() {
    cluster = new FakeCluster();
    cluster.shopApp("100", "0");
  }

  @AfterEach
  void stop() throws Exception {
    trafficOn.set(false);
    if (traffic != null) {
      traffic.join(10_000);
    }
    if (watcher != null) {
      watcher.join(10_000);
    }
    if (reporter != null) {
      reporter.close();
    }
    if (gateway != null) {
      gateway.close();
    }
    if (gatewayProcess != null) {
      gatewayProcess.close();
    }
    controllers.forEach(Controller::close);
    cluster.close();
    blue.close();
    green.close();
  }

  private void apps(int greenStatus) throws Exception {
    blue = StubApp.start("blue", 200);
    green = StubApp.start("green", greenStatus);
    cluster.slice("shop", "shop-blue", "http", blue.port(), List.of("127.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
  }

  private Controller controller() {
    RolloutSettings r =
        RolloutSettings.defaults()
            .withLease("default", "turnout-test")
            .withTimings(
                Duration.ofSeconds(4),
                Duration.ofSeconds(3),
                Duration.ofMillis(300),
                Duration.ofMillis(200));
    Controller c =
        Controller.start(cluster.client(), Controller.Settings.defaults(0).withRollouts(r));
    controllers.add(c);
    return c;
  }

  /** A gateway streaming from the first controller and reporting to every controller. */
  private void gatewayAndTraffic() throws Exception {
    List<URI> urls = new ArrayList<>();
    for (Controller c : controllers) {
      urls.add(URI.create("http://127.0.0.1:" + c.port()));
    }
    gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\naccessLog: false\n"),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(urls.get(0))
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
    reporter = FleetReporter.start(urls, gateway::metrics, Duration.ofMillis(250));
    await().atMost(Duration.ofSeconds(20)).until(() -> gateway.currentSnapshot() != null);
    gatewayPort = gateway.httpPort();
    startTrafficAndWatcher();
  }

  /**
   * A gateway process started as an operator starts it, streaming from the first controller and
   * reporting (every second, its default) to every controller.
   */
  private void gatewayProcessAndTraffic() throws Exception {
    List<URI> urls = new ArrayList<>();
    for (Controller c : controllers) {
      urls.add(URI.create("http://127.0.0.1:" + c.port()));
    }
    gatewayProcess = io.turnout.controller.GatewayProcess.start(urls.get(0), urls);
    gatewayPort = gatewayProcess.httpPort();
    startTrafficAndWatcher();
  }

  private void startTrafficAndWatcher() {
    traffic =
        new Thread(
            () -> {
              while (trafficOn.get()) {
                try {
                  get();
                  Thread.sleep(5);
                } catch (Exception e) {
                  // counted by the gateway, or the test is ending
                }
              }
            },
            "test-traffic");
    traffic.start();
    watcher =
        new Thread(
            () -> {
              while (trafficOn.get()) {
                try {
                  var svc =
                      cluster.client().services().inNamespace("shop").withName("shop-green").get();
                  Map<String, String> a = svc.getMetadata().getAnnotations();
                  maxGreenWeight.accumulateAndGet(
                      Integer.parseInt(a.getOrDefault(Annotations.WEIGHT, "0")), Math::max);
                  String st = a.get(Annotations.ROLLOUT_STATUS);
                  if (st != null) {
                    RolloutStatus s = RolloutStatus.parse(st);
                    if (s.stepStartedAt() > 0) {
                      List<Long> starts =
                          stepStarts.computeIfAbsent(
                              s.step(), k -> new java.util.concurrent.CopyOnWriteArrayList<>());
                      if (!starts.contains(s.stepStartedAt())) {
                        starts.add(s.stepStartedAt());
                      }
                    }
                  }
                  Thread.sleep(50);
                } catch (Exception e) {
                  // the mock server is going away at the end
                }
              }
            },
            "test-watcher");
    watcher.start();
  }

  private void get() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gatewayPort)) {
      s.setSoTimeout(5_000);
      s.getOutputStream()
          .write(
              ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().readAllBytes();
    }
  }

  private String turnout(String... args) {
    return cluster.turnout(args).succeeded();
  }

  private RolloutStatus status() {
    String st =
        cluster
            .client()
            .services()
            .inNamespace("shop")
            .withName("shop-green")
            .get()
            .getMetadata()
            .getAnnotations()
            .get(Annotations.ROLLOUT_STATUS);
    return st == null ? null : RolloutStatus.parse(st);
  }

  private String weight(String service) {
    return cluster
        .client()
        .services()
        .inNamespace("shop")
        .withName(service)
        .get()
        .getMetadata()
        .getAnnotations()
        .get(Annotations.WEIGHT);
  }

  @Test
  void aHealthyRolloutWalksEveryStepAndEndsAt100() throws Exception {
    apps(200);
    controller();
    gatewayAndTraffic();
    turnout(
        "rollout",
        "start",
        HOST,
        "green",
        "--steps",
        "10,50,100",
        "--interval",
        "1s",
        "--min-requests",
        "5",
        "--max-p99",
        "5s");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> status() != null && status().phase().done());
    RolloutStatus done = status();
    assertEquals(Phase.Succeeded, done.phase(), done.toString());
    assertEquals(2, done.step());
    assertEquals("100", weight("shop-green"));
    assertEquals("0", weight("shop-blue"));
    assertTrue(done.measured().requests() >= 5, done.toString());
    assertTrue(turnout("rollout", "status", HOST).contains("PHASE    Succeeded"));
    assertTrue(green.served() > 0, "green served traffic");
  }

  @Test
  void aVersionAnswering500sIsRolledBackAtItsFirstStepAndNeverReachesTheNext() throws Exception {
    apps(500);
    controller();
    gatewayAndTraffic();
    turnout(
        "rollout",
        "start",
        HOST,
        "green",
        "--steps",
        "10,50,100",
        "--interval",
        "2s",
        "--min-requests",
        "5",
        "--max-error-rate",
        "1");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> status() != null && status().phase().done());
    RolloutStatus failed = status();
    assertEquals(Phase.Failed, failed.phase(), failed.toString());
    assertEquals("maxErrorRate", failed.failure().limit());
    assertEquals(100.0, failed.failure().measured(), 1e-9);
    assertEquals(0, failed.failure().step());
    assertEquals("0", weight("shop-green"));
    assertEquals("100", weight("shop-blue"));
    long toRollback = failed.updatedAt() - failed.stepStartedAt();
    // The step can be judged once green has answered --min-requests requests; from then on the
    // rollback must come within one interval (5 s), long before the step would have passed.
    long judgeable = green.answeredAt(5);
    long afterJudgeable = failed.updatedAt() - judgeable;
    assertTrue(
        judgeable > 0 && afterJudgeable < 5_000,
        "rolled back " + afterJudgeable + " ms after the 5th bad answer");
    assertEquals(10, maxGreenWeight.get(), "never reached the second step");
    long servedAtRollback = green.served();
    System.out.printf(
        "MEASURED bad step -> rollback: %d ms after the step began, %d ms after the 5th bad"
            + " answer; green served %d requests (%d counted at the decision)%n",
        toRollback, afterJudgeable, servedAtRollback, failed.measured().requests());
    String out = turnout("rollout", "status", HOST);
    assertTrue(
        out.contains("FAILED   maxErrorRate: measured 100.0, limit 1.0, at step 1 (10%)"), out);
  }

  @Test
  void aLeaderChangeMidRolloutContinuesItWithoutRepeatingAStep() throws Exception {
    apps(200);
    Controller a = controller();
    Controller b = controller();
    gatewayProcessAndTraffic();
    await().atMost(Duration.ofSeconds(30)).until(() -> a.leading() || b.leading());
    turnout(
        "rollout",
        "start",
        HOST,
        "green",
        "--steps",
        "20,60,100",
        "--interval",
        "2s",
        "--min-requests",
        "5",
        "--max-p99",
        "5s");
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                status() != null && status().phase() == Phase.Progressing && status().step() == 1);
    Controller leader = a.leading() ? a : b;
    Controller other = leader == a ? b : a;
    leader.close();
    controllers.remove(leader);
    await().atMost(Duration.ofSeconds(60)).until(other::leading);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> status() != null && status().phase().done());
    assertEquals(Phase.Succeeded, status().phase(), status().toString());
    assertEquals("100", weight("shop-green"));
    for (Map.Entry<Integer, List<Long>> e : stepStarts.entrySet()) {
      assertEquals(
          1, e.getValue().size(), "step " + e.getKey() + " started more than once: " + stepStarts);
    }
    assertEquals(3, stepStarts.size(), stepStarts.toString());
  }
}
