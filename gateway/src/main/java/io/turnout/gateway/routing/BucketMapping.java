package io.turnout.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Maps a client's bucket (0..9999) to a serving version, in proportion to the weights, so that
 * weight changes move clients monotonically: raising one version's weight only moves buckets to it,
 * lowering it only moves buckets away from it, and no bucket moves between two versions whose
 * weights did not change.
 *
 * <p>Method: weighted rendezvous hashing. Each (bucket, version) pair gets a fixed pseudo-random
 * number {@code u} in (0, 1], and the bucket goes to the version with the smallest {@code -ln(u) /
 * weight}. That score is exponentially distributed with rate {@code weight}, so a version wins a
 * share {@code weight / total} of the buckets. Changing one weight changes only that version's
 * scores, which is why the movement is monotone.
 *
 * <p>Why not cumulative intervals (blue [0, 9000), green [9000, 10000))? With two versions they are
 * monotone too, but with three they are not: for {@code a=50, b=10, c=40}, raising {@code a} to 90
 * shifts b's interval from [50%, 60%) to [64%, 71%), moving buckets from c to b although neither
 * changed. Worked example with two versions here: blue 90 / green 10 gives green about 1,000
 * buckets; moving green to 25 moves about 1,500 more buckets from blue to green and none back.
 *
 * <p>The numbers depend only on the bucket and the version's name, so every gateway replica
 * computes the same mapping. Immutable; built once per snapshot, read lock-free; a lookup allocates
 * nothing.
 */
public final class BucketMapping {
  /** Number of buckets; a bucket is an int in [0, BUCKETS). */
  public static final int BUCKETS = 10_000;

  private static final BucketMapping EMPTY =
      new BucketMapping(new VersionTarget[0], new long[0], new double[0]);

  private final VersionTarget[] versions;
  private final long[] seeds;
  private final double[] weights;

  private BucketMapping(VersionTarget[] versions, long[] seeds, double[] weights) {
    this.versions = versions;
    this.seeds = seeds;
    this.weights = weights;
  }

  /** The mapping over the given versions; versions with weight 0 get no buckets. */
  public static BucketMapping of(List<VersionTarget> serving) {
    List<VersionTarget> eligible = new ArrayList<>();
    for (VersionTarget v : serving) {
      if (v.weight() > 0) {
        eligible.add(v);
      }
    }
    if (eligible.isEmpty()) {
      return EMPTY;
    }
    eligible.sort(Comparator.comparing(VersionTarget::name)); // ties break the same everywhere
    int n = eligible.size();
    long[] seeds = new long[n];
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      seeds[i] = seedOf(eligible.get(i).name());
      weights[i] = eligible.get(i).weight();
    }
    return new BucketMapping(eligible.toArray(new VersionTarget[0]), seeds, weights);
  }

  /** The version owning {@code bucket}, or {@code null} when no version is serving. */
  public VersionTarget versionFor(int bucket) {
    int n = versions.length;
    if (n <= 1) {
      return n == 0 ? null : versions[0];
    }
    int best = 0;
    double bestScore = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      double score = -Math.log(unit(bucket, seeds[i])) / weights[i];
      if (score < bestScore) {
        bestScore = score;
        best = i;
      }
    }
    return versions[best];
  }

  public boolean isEmpty() {
    return versions.length == 0;
  }

  /** Share of buckets (0..1) the named version owns; counts all buckets, for status displays. */
  public double share(String version) {
    int owned = 0;
    for (int b = 0; b < BUCKETS; b++) {
      VersionTarget v = versionFor(b);
      if (v != null && v.name().equals(version)) {
        owned++;
      }
    }
    return owned / (double) BUCKETS;
  }

  /** A number in (0, 1] fixed for (bucket, seed): splitmix64 of both, top 53 bits. */
  private static double unit(int bucket, long seed) {
    long z = seed + (bucket + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return ((z >>> 11) + 1) * 0x1.0p-53;
  }

  private static long seedOf(String name) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < name.length(); i++) {
      h ^= name.charAt(i);
      h *= 0x100000001b3L;
    }
    return h;
  }
}
