package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Quantiles from cumulative buckets, as Prometheus' histogram_quantile estimates them. */
class LatencyHistogramTest {
  @Test
  void interpolatesInsideTheBucketTheRankFallsIn() {
    LatencyHistogram h = new LatencyHistogram();
    h.add(0.010, 40);
    h.add(0.025, 90);
    h.add(0.050, 100);
    h.add(Double.POSITIVE_INFINITY, 100);
    assertEquals(0.013, h.quantile(0.50), 1e-9); // the worked example of the class comment
    assertEquals(0.0475, h.quantile(0.99), 1e-9);
    assertEquals(100, h.count());
  }

  @Test
  void aRankInThePlusInfBucketReportsTheLastBoundAsALowerLimit() {
    LatencyHistogram h = new LatencyHistogram();
    h.add(0.010, 10);
    h.add(Double.POSITIVE_INFINITY, 100);
    assertEquals(0.010, h.quantile(0.99), 1e-9);
    assertTrue(h.beyondLastBound(0.99));
    assertTrue(Double.isNaN(new LatencyHistogram().quantile(0.5)));
  }

  @Test
  void parsesPrometheusSampleLines() {
    var s =
        PrometheusSamples.parseLine(
            "turnout_mirror_duration_seconds_bucket{host=\"shop.test\",version=\"green\","
                + "le=\"+Inf\",} 42.0");
    assertEquals("turnout_mirror_duration_seconds_bucket", s.name());
    assertEquals("+Inf", s.label("le"));
    assertEquals(42.0, s.value());
    assertEquals(7.0, PrometheusSamples.parseLine("turnout_snapshot_version 7.0").value());
  }
}
