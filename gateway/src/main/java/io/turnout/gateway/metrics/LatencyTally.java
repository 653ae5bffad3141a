package io.turnout.gateway.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram for the controller report, kept beside the Prometheus timer: one counter per
 * bucket (a request lands in the first bucket whose bound it does not exceed, as in Prometheus) and
 * one for requests slower than the last bound. A read sums those counters once, so its count and
 * its cumulative buckets always agree.
 *
 * <p>Why not read the timer: Micrometer's timer adds to its count before its bucket, and reads them
 * in that order too, so a read during traffic counts requests that no bucket holds yet (or the
 * reverse). A rollout ranks a window's requests inside the window's buckets to find its p99; a
 * window that ended on such a read had more requests than buckets and its p99 came out as "slower
 * than the last bound", failing a healthy step.
 *
 * <p>Thread-safe; {@link #record} is a bucket search over a dozen longs and one {@link LongAdder}
 * increment.
 */
public final class LatencyTally {
  private final long[] boundsNanos;
  private final LongAdder[] counts; // counts[i]: in bucket i; counts[bounds]: above the last bound

  public LatencyTally(Duration[] bounds) {
    boundsNanos = new long[bounds.length];
    counts = new LongAdder[bounds.length + 1];
    for (int i = 0; i < bounds.length; i++) {
      boundsNanos[i] = bounds[i].toNanos();
      if (i > 0 && boundsNanos[i] <= boundsNanos[i - 1]) {
        throw new IllegalArgumentException(
            "bounds[" + i + "]: must be above bounds[" + (i - 1) + "]");
      }
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  /** Counts one request that took {@code nanos}. */
  public void record(long nanos) {
    int i = 0;
    while (i < boundsNanos.length && nanos > boundsNanos[i]) {
      i++;
    }
    counts[i].increment();
  }

  /** Everything counted so far, from one pass over the counters. */
  public Read read() {
    long[] cumulative = new long[boundsNanos.length];
    long sum = 0;
    for (int i = 0; i < boundsNanos.length; i++) {
      sum += counts[i].sum();
      cumulative[i] = sum;
    }
    return new Read(sum + counts[boundsNanos.length].sum(), cumulative);
  }

  /**
   * One read: {@code cumulative[i]} requests took at most bound {@code i}; {@code count} is every
   * request, the ones above the last bound included.
   */
  public record Read(long count, long[] cumulative) {}
}
