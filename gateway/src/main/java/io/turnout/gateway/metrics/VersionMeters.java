package io.turnout.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request meters of one (host, version), created when a snapshot is compiled so the request
 * path only increments: {@code turnout_requests_total{host,version,code}} (a counter per status
 * code, made the first time that code is seen) and {@code
 * turnout_request_duration_seconds{host,version}}.
 *
 * <p>Thread-safe.
 */
public final class VersionMeters {
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30)
  };

  /**
   * The latency histogram's bucket bounds, shared by the mirror's histogram so live and mirror
   * percentiles compare like for like. A copy: callers cannot change the original.
   */
  public static Duration[] latencyBuckets() {
    return BUCKETS.clone();
  }

  private final MeterRegistry registry;
  private final String host;
  private final String version;
  private final Timer duration;
  private final LatencyTally reported = new LatencyTally(BUCKETS); // the report's, see its doc
  private final StatusCounters byStatus;
  private final AtomicReferenceArray<Counter> upstreamErrors =
      new AtomicReferenceArray<>(UpstreamErrorKind.values().length);
  // Report-only (not a Prometheus series): requests whose client kept a valid pin to this version.
  private final LongAdder pinned = new LongAdder();

  VersionMeters(MeterRegistry registry, String host, String version) {
    this.registry = registry;
    this.host = host;
    this.version = version;
    this.byStatus =
        new StatusCounters(
            registry,
            "turnout.requests",
            "Requests answered, by host, version and status code",
            host,
            version);
    this.duration =
        Timer.builder("turnout.request.duration")
            .description("Time from request head received to response fully sent")
            .tags("host", host, "version", version)
            // A dozen fixed buckets rather than Micrometer's ~70 percentile buckets: this series
            // exists per (host, version), and a gateway may serve thousands of hosts.
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  /** Counts one finished request. */
  public void record(int status, long durationNanos) {
    duration.record(durationNanos, TimeUnit.NANOSECONDS);
    reported.record(durationNanos);
    byStatus.increment(status);
  }

  /**
   * Counts one finished request, and whether its client arrived with a valid pin to this version.
   * The pin is counted after the request, so a reader of {@link #pinnedRequests()} then {@link
   * #totals()} never sees more pinned requests than requests.
   */
  public void record(int status, long durationNanos, boolean keptPin) {
    record(status, durationNanos);
    if (keptPin) {
      pinned.increment();
    }
  }

  /** Requests so far whose client arrived with a valid pin to this version (for the report). */
  public long pinnedRequests() {
    return pinned.sum();
  }

  /** Counts one upstream failure of this version. */
  public void upstreamError(UpstreamErrorKind kind) {
    Counter c = upstreamErrors.get(kind.ordinal());
    if (c == null) {
      c =
          Counter.builder("turnout.upstream.errors")
              .description("Failures talking to endpoints, by kind")
              .tags("host", host, "version", version, "kind", kind.tagValue())
              .register(registry);
      upstreamErrors.set(kind.ordinal(), c);
    }
    c.increment();
  }

  /** Upper bounds of the latency histogram's buckets, in seconds; the same for every version. */
  public static double[] latencyBoundsSeconds() {
    double[] out = new double[BUCKETS.length];
    for (int i = 0; i < BUCKETS.length; i++) {
      out[i] = BUCKETS[i].toNanos() / 1e9;
    }
    return out;
  }

  /**
   * Everything counted so far, read for the controller's report: requests, 5xx answers (the app's
   * and the gateway's own 502/503/504 alike) and the latency histogram's cumulative bucket counts
   * ({@code latency[i]} requests took at most {@code latencyBoundsSeconds()[i]}). Requests and
   * latency come from one read of a {@link LatencyTally}, so they agree even during traffic.
   */
  public Totals totals() {
    LatencyTally.Read r = reported.read();
    return new Totals(r.count(), byStatus.sum(500, 599), r.cumulative());
  }

  /** What {@link #totals()} returns: counts since this gateway started. */
  public record Totals(long requests, long serverErrors, long[] latency) {}

  public String host() {
    return host;
  }

  public String version() {
    return version;
  }
}
