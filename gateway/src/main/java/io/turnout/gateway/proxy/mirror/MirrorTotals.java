package io.turnout.gateway.proxy.mirror;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.turnout.gateway.metrics.VersionMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Everything the copies to one (host, mirror version) counted so far, read from the mirror meters
 * for the controller's report: copies answered, 5xx answers among them, and the cumulative latency
 * buckets on the live histogram's bounds ({@link VersionMeters#latencyBoundsSeconds()}), so a
 * rollout's mirror step is judged like a weighted step. Dropped copies are not in these numbers
 * (they have no answer to judge).
 *
 * @param latency {@code latency[i]} copies took at most {@code latencyBoundsSeconds()[i]}
 */
public record MirrorTotals(
    String host, String version, long requests, long serverErrors, long[] latency) {

  /** One entry per (host, version) that has answered copies; thread-safe (reads meters only). */
  public static List<MirrorTotals> read(MeterRegistry registry) {
    double[] bounds = VersionMeters.latencyBoundsSeconds();
    List<MirrorTotals> out = new ArrayList<>();
    for (Timer t : registry.find("turnout.mirror.duration").timers()) {
      String host = t.getId().getTag("host");
      String version = t.getId().getTag("version");
      if (host == null || version == null) {
        continue;
      }
      long[] latency = new long[bounds.length];
      for (CountAtBucket c : t.takeSnapshot().histogramCounts()) {
        double le = c.bucket(TimeUnit.SECONDS);
        for (int i = 0; i < bounds.length; i++) {
          if (Math.abs(bounds[i] - le) < 1e-9) {
            latency[i] = (long) c.count();
          }
        }
      }
      long errors = 0;
      for (Counter c :
          registry
              .find("turnout.mirror.requests")
              .tag("host", host)
              .tag("version", version)
              .counters()) {
        String code = c.getId().getTag("code");
        if (code != null && code.length() == 3 && code.charAt(0) == '5') {
          errors += (long) c.count();
        }
      }
      out.add(new MirrorTotals(host, version, t.count(), errors, latency));
    }
    return out;
  }
}
