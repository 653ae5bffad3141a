package io.turnout.bench.controller;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Nearest-rank percentiles of a list of durations in nanoseconds, printed in milliseconds. */
final class Stats {
  private final long[] sorted;

  Stats(List<Long> nanos) {
    sorted = nanos.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
  }

  double percentileMillis(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
  }

  double maxMillis() {
    return sorted[sorted.length - 1] / 1e6;
  }

  String summary() {
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms",
        sorted.length,
        percentileMillis(50),
        percentileMillis(90),
        percentileMillis(99),
        maxMillis());
  }
}
