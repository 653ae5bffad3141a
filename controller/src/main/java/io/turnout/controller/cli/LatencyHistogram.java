package io.turnout.controller.cli;

import java.util.Map;
import java.util.TreeMap;

/**
 * A Prometheus histogram summed over gateways: cumulative counts per upper bound ({@code le}).
 * Quantiles are estimated as Prometheus' {@code histogram_quantile} does: find the bucket the rank
 * falls in and interpolate linearly inside it. Example: buckets 10 ms: 40, 25 ms: 90, 50 ms: 100;
 * p50 is rank 50, in (10, 25] which holds ranks 41..90, so 10 + 15 * (50 - 40) / 50 = 13 ms.
 *
 * <p>Not thread-safe; used by one command run.
 */
final class LatencyHistogram {
  private final TreeMap<Double, Double> cumulative = new TreeMap<>();

  void add(double le, double count) {
    cumulative.merge(le, count, Double::sum);
  }

  double count() {
    return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
  }

  /**
   * The estimated {@code q} quantile in seconds; NaN without samples; the largest finite bound when
   * the rank falls in the {@code +Inf} bucket (the true value is then at least that).
   */
  double quantile(double q) {
    double total = count();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      double le = e.getKey();
      double c = e.getValue();
      if (c >= rank) {
        if (Double.isInfinite(le)) {
          return lowerBound;
        }
        double inBucket = c - lowerCount;
        return inBucket <= 0 ? le : lowerBound + (le - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = le;
      lowerCount = c;
    }
    return lowerBound;
  }

  /** True when {@code q}'s rank falls in the {@code +Inf} bucket (shown as "&gt; bound"). */
  boolean beyondLastBound(double q) {
    double rank = q * count();
    for (Map.Entry<Double, Double> e : cumulative.entrySet()) {
      if (e.getValue() >= rank) {
        return Double.isInfinite(e.getKey());
      }
    }
    return false;
  }
}
