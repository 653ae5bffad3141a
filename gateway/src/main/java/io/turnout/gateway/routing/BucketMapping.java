package io.turnout.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Maps a client's bucket (0..9999) to a serving version by cumulative weight (DESIGN section 4).
 *
 * <p>Versions are laid out in name order, each over a share of the 10,000 buckets proportional to
 * its weight. Worked example, {@code blue=90, green=10}:
 *
 * <pre>
 *   blue  [0, 9000)   green [9000, 10000)
 * </pre>
 *
 * Raising green to 25 gives {@code blue [0, 7500), green [7500, 10000)}: buckets [7500, 9000) move
 * from blue to green and no bucket moves the other way. In general, raising one version's weight
 * (others unchanged) only moves buckets towards it: every boundary before it moves left and every
 * boundary after it moves right. Name order (not config order) keeps the layout stable when a file
 * is reordered or the controller lists Services differently.
 *
 * <p>Immutable; built once per snapshot, read lock-free by every event loop.
 */
public final class BucketMapping {
  /** Number of buckets; a bucket is an int in [0, BUCKETS). */
  public static final int BUCKETS = 10_000;

  private static final BucketMapping EMPTY = new BucketMapping(new VersionTarget[0], new int[0]);

  private final VersionTarget[] versions;
  private final int[] upperBounds;

  private BucketMapping(VersionTarget[] versions, int[] upperBounds) {
    this.versions = versions;
    this.upperBounds = upperBounds;
  }

  /** The mapping over the given versions; versions with weight 0 get no buckets. */
  public static BucketMapping of(List<VersionTarget> serving) {
    List<VersionTarget> sorted = new ArrayList<>();
    long total = 0;
    for (VersionTarget v : serving) {
      if (v.weight() > 0) {
        sorted.add(v);
        total += v.weight();
      }
    }
    if (sorted.isEmpty()) {
      return EMPTY;
    }
    sorted.sort(Comparator.comparing(VersionTarget::name));
    int[] bounds = new int[sorted.size()];
    long cumulative = 0;
    for (int i = 0; i < sorted.size(); i++) {
      cumulative += sorted.get(i).weight();
      bounds[i] = (int) (cumulative * BUCKETS / total);
    }
    bounds[bounds.length - 1] = BUCKETS;
    return new BucketMapping(sorted.toArray(new VersionTarget[0]), bounds);
  }

  /** The version owning {@code bucket}, or {@code null} when no version is serving. */
  public VersionTarget versionFor(int bucket) {
    int[] bounds = upperBounds;
    for (int i = 0; i < bounds.length; i++) {
      if (bucket < bounds[i]) {
        return versions[i];
      }
    }
    return null;
  }

  public boolean isEmpty() {
    return versions.length == 0;
  }

  /** Share of buckets (0..1) of the named version, for status displays. */
  public double share(String version) {
    int lower = 0;
    for (int i = 0; i < versions.length; i++) {
      if (versions[i].name().equals(version)) {
        return (upperBounds[i] - lower) / (double) BUCKETS;
      }
      lower = upperBounds[i];
    }
    return 0;
  }
}
