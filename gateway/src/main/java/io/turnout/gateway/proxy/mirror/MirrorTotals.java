package io.turnout.gateway.proxy.mirror;

import io.micrometer.core.instrument.Counter;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.LatencyTally;
import io.turnout.gateway.metrics.VersionMeters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /**
   * One entry per (host, version) that copies were sent to; thread-safe (reads counters only).
   * Requests and latency come from one read of the report's tally, so they agree.
   */
  public static List<MirrorTotals> read(GatewayMetrics metrics) {
    List<MirrorTotals> out = new ArrayList<>();
    for (Map.Entry<List<String>, LatencyTally> e : metrics.allMirrorLatency().entrySet()) {
      String host = e.getKey().get(0);
      String version = e.getKey().get(1);
      LatencyTally.Read latency = e.getValue().read();
      long errors = 0;
      for (Counter c :
          metrics
              .registry()
              .find("turnout.mirror.requests")
              .tag("host", host)
              .tag("version", version)
              .counters()) {
        String code = c.getId().getTag("code");
        if (code != null && code.length() == 3 && code.charAt(0) == '5') {
          errors += (long) c.count();
        }
      }
      out.add(new MirrorTotals(host, version, latency.count(), errors, latency.cumulative()));
    }
    return out;
  }
}
