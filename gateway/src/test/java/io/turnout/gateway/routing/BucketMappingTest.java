package io.turnout.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BucketMappingTest {
  private static VersionTarget version(String name, int weight) {
    return new VersionTarget(name, weight, List.of(), true, 0, null);
  }

  @Test
  void bucketsAreSharedInProportionToWeights() {
    BucketMapping m = BucketMapping.of(List.of(version("blue", 90), version("green", 10)));
    int green = 0;
    for (int b = 0; b < BucketMapping.BUCKETS; b++) {
      if (m.versionFor(b).name().equals("green")) {
        green++;
      }
    }
    // Rendezvous hashing is proportional in expectation: 1,000 +- 3 standard deviations (90).
    assertTrue(Math.abs(green - 1000) < 90, green + " buckets on green");
    assertEquals(green / 10_000.0, m.share("green"), 1e-9);
  }

  @Test
  void raisingGreenFrom10To25MovesOnlyBucketsFromBlueToGreen() {
    BucketMapping before = BucketMapping.of(List.of(version("blue", 90), version("green", 10)));
    BucketMapping after = BucketMapping.of(List.of(version("blue", 75), version("green", 25)));
    int moved = 0;
    for (int b = 0; b < BucketMapping.BUCKETS; b++) {
      String was = before.versionFor(b).name();
      String now = after.versionFor(b).name();
      if (!was.equals(now)) {
        assertEquals("blue", was);
        assertEquals("green", now);
        moved++;
      }
    }
    assertTrue(Math.abs(moved - 1500) < 120, moved + " buckets moved");
  }

  @Test
  void layoutDoesNotDependOnConfigOrder() {
    BucketMapping a = BucketMapping.of(List.of(version("blue", 70), version("green", 30)));
    BucketMapping b = BucketMapping.of(List.of(version("green", 30), version("blue", 70)));
    for (int bucket = 0; bucket < BucketMapping.BUCKETS; bucket++) {
      assertEquals(a.versionFor(bucket).name(), b.versionFor(bucket).name());
    }
  }

  @Test
  void noServingVersionMapsToNothing() {
    BucketMapping m = BucketMapping.of(List.of(version("blue", 0)));
    assertTrue(m.isEmpty());
    assertNull(m.versionFor(42));
  }

  /**
   * Property: for random weight sequences over 2-4 versions, changing one version's weight moves
   * buckets only towards it (raise) or only away from it (lower), never between two others.
   */
  @Test
  void changingOneWeightIsMonotoneForRandomSequences() {
    Random random = new Random(20261122L);
    for (int trial = 0; trial < 300; trial++) {
      int n = 2 + random.nextInt(3);
      int[] weights = new int[n];
      for (int i = 0; i < n; i++) {
        weights[i] = 1 + random.nextInt(100);
      }
      for (int step = 0; step < 10; step++) {
        int changed = random.nextInt(n);
        int[] next = weights.clone();
        next[changed] = random.nextInt(101);
        BucketMapping before = mapping(weights);
        BucketMapping after = mapping(next);
        String changedName = "v" + changed;
        boolean raised = next[changed] > weights[changed];
        for (int b = 0; b < BucketMapping.BUCKETS; b++) {
          VersionTarget was = before.versionFor(b);
          VersionTarget now = after.versionFor(b);
          if (was == null || now == null || was.name().equals(now.name())) {
            continue;
          }
          if (raised) {
            assertEquals(changedName, now.name(), "raise moved bucket " + b + " elsewhere");
          } else {
            assertEquals(changedName, was.name(), "lowering moved bucket " + b + " between others");
          }
        }
        weights = next;
      }
    }
  }

  private static BucketMapping mapping(int[] weights) {
    List<VersionTarget> versions = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      versions.add(version("v" + i, weights[i]));
    }
    return BucketMapping.of(versions);
  }
}
