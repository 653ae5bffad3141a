package io.turnout.controller.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.turnout.controller.fleet.WindowStats;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutSpecTest {
  private static RolloutSpec spec(List<Integer> steps, Map<String, Integer> before) {
    return new RolloutSpec(
        "shop.example.com",
        "green",
        steps,
        Duration.ofSeconds(60),
        1.0,
        Duration.ofSeconds(1),
        0,
        100,
        before);
  }

  @Test
  void othersShareWhatTheTargetLeavesInProportionToTheirWeightsBefore() {
    Map<String, Integer> before = new LinkedHashMap<>();
    before.put("blue", 90);
    before.put("red", 10);
    before.put("green", 0);
    RolloutSpec s = spec(List.of(25, 100), before);
    assertEquals(Map.of("blue", 68, "red", 8, "green", 25), s.weightsAt(0));
    assertEquals(Map.of("blue", 0, "red", 0, "green", 100), s.weightsAt(1));
    assertEquals(Map.of("blue", 90, "red", 10, "green", 0), s.rollbackWeights());
  }

  @Test
  void theAnnotationRoundTripsAndABadOneNamesItsField() {
    RolloutSpec s = spec(List.of(5, 50, 100), Map.of("blue", 100, "green", 0));
    assertEquals(s, RolloutSpec.parse(s.toJson()));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> spec(List.of(50, 25), Map.of("blue", 100)));
    assertEquals("steps[1]: must be above the step before (50)", e.getMessage());
  }

  @Test
  void aStepWaitsForMinRequestsFailsEarlyOnALimitAndPassesOnlyAfterItsInterval() {
    RolloutSpec s = spec(List.of(5, 100), Map.of("blue", 100, "green", 0));
    assertInstanceOf(
        Verdict.Wait.class, Verdict.of(s, new WindowStats(99, 99, 0, 0.01, 2), 120_000));
    Verdict early = Verdict.of(s, new WindowStats(100, 2, 0, 0.01, 2), 1_000);
    assertEquals(new Verdict.Fail("maxErrorRate", 2.0, 1.0), early);
    assertEquals(
        new Verdict.Fail("maxP99", 1.5, 1.0),
        Verdict.of(s, new WindowStats(100, 0, 0, 1.5, 2), 1_000));
    assertEquals(
        new Verdict.Fail("maxAssetMisses", 1, 0),
        Verdict.of(s, new WindowStats(100, 0, 1, 0.1, 2), 1_000));
    assertInstanceOf(Verdict.Wait.class, Verdict.of(s, new WindowStats(100, 1, 0, 0.1, 2), 59_999));
    assertInstanceOf(Verdict.Pass.class, Verdict.of(s, new WindowStats(100, 1, 0, 0.1, 2), 60_000));
  }

  @Test
  void aMirrorStepRoundTripsIsJudgedOnItsOwnIntervalAndABadOneNamesItsField() {
    RolloutSpec s =
        new RolloutSpec(
            "shop.example.com",
            "green",
            List.of(50, 100),
            Duration.ofSeconds(60),
            1.0,
            Duration.ofSeconds(1),
            0,
            100,
            Map.of("blue", 100, "green", 0),
            50,
            Duration.ofMinutes(5));
    assertEquals(s, RolloutSpec.parse(s.toJson()));
    assertEquals(50, RolloutSpec.parse(s.toJson()).mirror());
    assertEquals(Duration.ofMinutes(5), RolloutSpec.parse(s.toJson()).mirrorInterval());
    assertEquals(0, spec(List.of(100), Map.of("blue", 100)).mirror(), "none unless asked");
    // The mirror step waits for its own interval, not the weighted steps' one.
    assertInstanceOf(
        Verdict.Wait.class, Verdict.of(s, new WindowStats(500, 0, 0, 0.01, 1), 120_000, 300_000));
    assertInstanceOf(
        Verdict.Pass.class, Verdict.of(s, new WindowStats(500, 0, 0, 0.01, 1), 300_000, 300_000));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> RolloutSpec.parse(s.toJson().replace("\"mirror\":50", "\"mirror\":150")));
    assertEquals("mirror: must be 0..100 (percent), was 150", e.getMessage());
    var noInterval =
        assertThrows(
            IllegalArgumentException.class,
            () -> RolloutSpec.parse(s.toJson().replace(",\"mirrorInterval\":\"5m\"", "")));
    assertEquals(
        "mirrorInterval: must be at least 100ms with a mirror step", noInterval.getMessage());
  }

  @Test
  void theMirrorStepSurvivesTheStatusAnnotation() {
    RolloutStatus st =
        new RolloutStatus(
            RolloutStatus.Phase.Progressing, 0, 0, 1, null, null, "mirror step", 2, Boolean.TRUE);
    RolloutStatus back = RolloutStatus.parse(st.toJson());
    assertEquals(true, back.inMirrorStep());
    assertEquals(true, back.withPhase(RolloutStatus.Phase.Paused, "p", 3).inMirrorStep());
    RolloutStatus weighted = RolloutStatus.parse(RolloutStatus.pending(1).toJson());
    assertEquals(false, weighted.inMirrorStep());
    assertEquals(false, weighted.toJson().contains("mirror"), weighted.toJson());
  }
}
