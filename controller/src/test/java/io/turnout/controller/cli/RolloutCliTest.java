package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.controller.FakeCluster;
import io.turnout.controller.rollout.RolloutSpec;
import io.turnout.controller.rollout.RolloutStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code turnout rollout ...} against a mock API server, without a controller. */
class RolloutCliTest {
  private static final String HOST = "shop.example.com";
  private FakeCluster cluster;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
    cluster.shopApp("90", "10");
    cluster.service(
        "shop", "shop-grey", Map.of("turnout.io/host", HOST, "turnout.io/version", "grey"));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** Runs {@code turnout args...}; what it printed is added to {@link #out} and {@link #err}. */
  private int run(String... args) {
    CliRun r = cluster.turnout(args);
    out.append(r.out());
    err.append(r.err());
    return r.code();
  }

  private String annotation(String service, String key) {
    return cluster
        .client()
        .services()
        .inNamespace("shop")
        .withName(service)
        .get()
        .getMetadata()
        .getAnnotations()
        .get(key);
  }

  @Test
  void startWritesTheSpecWithTheWeightsBeforeOnTheTargetAndTouchesNoWeight() {
    assertEquals(
        0,
        run("rollout", "start", HOST, "grey", "--steps", "10,100", "--interval", "30s"),
        err.toString());
    RolloutSpec spec = RolloutSpec.parse(annotation("shop-grey", "turnout.io/rollout"));
    assertEquals(List.of(10, 100), spec.steps());
    assertEquals(Duration.ofSeconds(30), spec.interval());
    assertEquals(Map.of("blue", 90, "green", 10, "grey", 0), spec.weightsBefore());
    assertEquals(
        RolloutStatus.Phase.Pending,
        RolloutStatus.parse(annotation("shop-grey", "turnout.io/rollout-status")).phase());
    assertEquals(
        "90", annotation("shop-blue", "turnout.io/weight"), "only the leader moves weights");
    assertTrue(
        out.toString().contains("Rollout of grey on shop.example.com started"), out.toString());
  }

  @Test
  void refusalsExitWith2AndChangeNothing() {
    assertEquals(2, run("rollout", "status", HOST));
    assertTrue(err.toString().contains("no rollout on shop.example.com"), err.toString());
    assertEquals(2, run("rollout", "start", HOST, "purple"));
    assertTrue(err.toString().contains("has no version 'purple'"), err.toString());
    assertEquals(2, run("rollout", "start", HOST, "grey", "--steps", "50,20"));
    assertTrue(
        err.toString().contains("--steps[1]: must be above the step before (50)"), err.toString());
    assertEquals(null, annotation("shop-grey", "turnout.io/rollout"));

    assertEquals(0, run("rollout", "start", HOST, "grey"));
    assertEquals(2, run("rollout", "start", HOST, "green"));
    assertTrue(err.toString().contains("a rollout is already running"), err.toString());
    assertEquals(2, run("rollout", "resume", HOST));
    assertTrue(err.toString().contains("only a paused rollout can resume"), err.toString());
  }

  @Test
  void abortAndPromoteAskTheLeaderThroughTheStatus() {
    assertEquals(0, run("rollout", "start", HOST, "grey"));
    assertEquals(0, run("rollout", "abort", HOST));
    assertEquals(
        RolloutStatus.Phase.Aborting,
        RolloutStatus.parse(annotation("shop-grey", "turnout.io/rollout-status")).phase());
    assertEquals(0, run("rollout", "status", HOST));
    assertTrue(out.toString().contains("PHASE    Aborting"), out.toString());
  }

  @Test
  void startWithAMirrorStepWritesItIntoTheSpecAndRefusesABadPercentage() {
    assertEquals(2, run("rollout", "start", HOST, "grey", "--mirror", "150"));
    assertTrue(
        err.toString().contains("--mirror: mirror percentage '150' is not an integer 0..100"),
        err.toString());
    assertEquals(
        2, run("rollout", "start", HOST, "grey", "--mirror", "50", "--mirror-interval", "x"));
    assertTrue(err.toString().contains("--mirror-interval"), err.toString());
    assertEquals(null, annotation("shop-grey", "turnout.io/rollout"));

    assertEquals(
        0,
        run("rollout", "start", HOST, "grey", "--mirror", "50", "--mirror-interval", "5m"),
        err.toString());
    RolloutSpec spec = RolloutSpec.parse(annotation("shop-grey", "turnout.io/rollout"));
    assertEquals(50, spec.mirror());
    assertEquals(Duration.ofMinutes(5), spec.mirrorInterval());
    assertTrue(
        out.toString().contains("started: mirror step 50% for 5m, then steps"), out.toString());
    assertEquals(null, annotation("shop-grey", "turnout.io/mirror"), "only the leader mirrors");
    assertEquals(0, run("rollout", "status", HOST));
    assertTrue(out.toString().contains("MIRROR   50% of requests copied to grey"), out.toString());
  }

  @Test
  void theMirrorIntervalDefaultsToTheStepInterval() {
    assertEquals(0, run("rollout", "start", HOST, "grey", "--mirror", "10", "--interval", "45s"));
    RolloutSpec spec = RolloutSpec.parse(annotation("shop-grey", "turnout.io/rollout"));
    assertEquals(Duration.ofSeconds(45), spec.mirrorInterval());
  }
}
