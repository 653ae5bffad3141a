package io.turnout.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The totals a gateway reports to the controller: the request count and the latency buckets of one
 * read agree with each other, even while requests are being recorded, because a rollout judges a
 * window's p99 by ranking its requests inside its buckets.
 */
class VersionMetersTotalsTest {

  @Test
  void bucketsCountLikeThePrometheusHistogram() {
    VersionMeters v = new GatewayMetrics().versionMeters("shop.example.com", "green");
    v.record(200, TimeUnit.MILLISECONDS.toNanos(1)); // on the first bound: in it
    v.record(200, TimeUnit.MICROSECONDS.toNanos(1001)); // just above: in the next
    v.record(503, TimeUnit.SECONDS.toNanos(31)); // above the last bound: in none

    VersionMeters.Totals t = v.totals();

    assertEquals(3, t.requests());
    assertEquals(1, t.serverErrors());
    long[] expected = new long[VersionMeters.latencyBoundsSeconds().length];
    Arrays.fill(expected, 2);
    expected[0] = 1;
    assertArrayEquals(expected, t.latency());
  }

  @Test
  void aReadDuringTrafficNeverCountsARequestThatNoBucketHolds() throws Exception {
    VersionMeters v = new GatewayMetrics().versionMeters("shop.example.com", "green");
    AtomicBoolean on = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread w =
          new Thread(
              () -> {
                while (on.get()) {
                  v.record(200, 500_000); // 0.5 ms: every request is in every bucket
                }
              });
      w.start();
      writers.add(w);
    }
    try {
      int last = VersionMeters.latencyBoundsSeconds().length - 1;
      for (int i = 0; i < 200_000; i++) {
        VersionMeters.Totals t = v.totals();
        assertEquals(t.requests(), t.latency()[last], "read " + i);
      }
    } finally {
      on.set(false);
      for (Thread w : writers) {
        w.join();
      }
    }
  }
}
