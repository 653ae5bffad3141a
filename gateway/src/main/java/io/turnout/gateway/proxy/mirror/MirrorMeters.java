package io.turnout.gateway.proxy.mirror;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.LatencyTally;
import io.turnout.gateway.metrics.StatusCounters;
import io.turnout.gateway.metrics.VersionMeters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of the copies sent to one (host, mirror version): {@code
 * turnout_mirror_requests_total{host,version,code}}, {@code
 * turnout_mirror_duration_seconds{host,version}} and {@code
 * turnout_mirror_dropped_total{host,version,reason}}. Host and version come from the snapshot,
 * reasons from {@link DropReason}: every tag value is from a bounded set.
 *
 * <p>Thread-safe.
 */
final class MirrorMeters {
  /**
   * The live {@code turnout_request_duration_seconds} buckets: percentiles compare like for like.
   */
  private static final Duration[] BUCKETS = VersionMeters.latencyBuckets();

  private final MeterRegistry registry;
  private final String host;
  private final String version;
  private final Timer duration;
  private final LatencyTally reported; // the controller report's; Micrometer's can't be read whole
  private final StatusCounters byStatus;
  private final AtomicReferenceArray<Counter> dropped =
      new AtomicReferenceArray<>(DropReason.values().length);

  MirrorMeters(GatewayMetrics metrics, String host, String version) {
    this.registry = metrics.registry();
    this.reported = metrics.mirrorLatency(host, version);
    this.host = host;
    this.version = version;
    this.byStatus =
        new StatusCounters(
            registry,
            "turnout.mirror.requests",
            "Copies answered by a mirror version, by status code",
            host,
            version);
    this.duration =
        Timer.builder("turnout.mirror.duration")
            .description("Time from a copy sent to its answer fully read, by host and version")
            .tags("host", host, "version", version)
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  /** Counts one copy answered in full. */
  void answered(int status, long durationNanos) {
    duration.record(durationNanos, TimeUnit.NANOSECONDS);
    reported.record(durationNanos);
    byStatus.increment(status);
  }

  /** Counts one copy that was chosen but not answered. */
  void dropped(DropReason reason) {
    Counter c = dropped.get(reason.ordinal());
    if (c == null) {
      c =
          Counter.builder("turnout.mirror.dropped")
              .description("Copies chosen for a mirror version but dropped, by reason")
              .tags("host", host, "version", version, "reason", reason.tagValue())
              .register(registry);
      dropped.set(reason.ordinal(), c);
    }
    c.increment();
  }
}
