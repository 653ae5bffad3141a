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
}
