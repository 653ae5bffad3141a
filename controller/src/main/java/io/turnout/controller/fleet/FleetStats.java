package io.turnout.controller.fleet;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The fleet's numbers: every gateway's reports, kept as a short history per gateway run, and the
 * sums over a time window that a rollout step is judged on.
 *
 * <p>Reports carry totals since the gateway started, so the numbers of a window [t0, t1] for one
 * gateway are its last report at or before t1 minus its last report at or before t0, and the
 * fleet's are the sum over gateways. Worked example, one gateway reporting green's requests:
 *
 * <pre>
 *   received at   10:00:00  10:00:01  10:00:02  10:00:03
 *   requests         100       130       190       250
 *   window [10:00:01, 10:00:03] -> 250 - 130 = 120 requests
 * </pre>
 *
 * Times are this controller's receipt times, so gateway clocks do not matter. When a gateway has no
 * report at or before t0 (it started, or this controller started, inside the window), its first
 * report is the baseline: the window undercounts by at most one report, which only makes a step
 * wait for {@code minRequests} a little longer.
 *
 * <p>A gateway whose last report is older than {@code staleAfter} is left out of every sum: a
 * gateway that went silent is not evidence that a version is healthy. A gateway that restarts
 * reports under a new {@code instance} and is a new series (its counters start again at zero).
 *
 * <p>History: every report of the last two minutes, then one per 15 s up to {@code retention}, so a
 * gateway serving hundreds of versions costs a few hundred samples, not thousands.
 *
 * <p>Threads: {@link #accept} runs on the HTTP event loops, the queries on the rollout and
 * dashboard threads; each gateway's history is guarded by its own monitor, the map of gateways is
 * concurrent.
 */
public final class FleetStats {
  private static final long FINE_MILLIS = Duration.ofMinutes(2).toMillis();
  private static final long COARSE_STEP_MILLIS = Duration.ofSeconds(15).toMillis();

  private final LongSupplier nowMillis;
  private final long staleAfterMillis;
  private final long retentionMillis;
  private final Map<GatewayRun, History> gateways = new ConcurrentHashMap<>();

  /**
   * @param nowMillis the clock (wall-clock milliseconds, as the rollout status stores)
   * @param staleAfter a gateway silent this long is dropped from the sums
   * @param retention how far back windows can reach
   */
  public FleetStats(LongSupplier nowMillis, Duration staleAfter, Duration retention) {
    this.nowMillis = nowMillis;
    this.staleAfterMillis = staleAfter.toMillis();
    this.retentionMillis = retention.toMillis();
  }

  /** Defaults: gateways report every second, silent for 5 s is gone, windows up to an hour. */
  public static FleetStats withDefaults() {
    return new FleetStats(System::currentTimeMillis, Duration.ofSeconds(5), Duration.ofHours(1));
  }

  /** Takes one report, stamped with the time it arrived. */
  public void accept(GatewayReport report) {
    long now = nowMillis.getAsLong();
    Map<HostVersion, GatewayReport.VersionCounts> counts = new HashMap<>();
    for (GatewayReport.VersionCounts v : report.versions()) {
      counts.put(HostVersion.of(v.host(), v.version()), v);
    }
    for (GatewayReport.VersionCounts v : report.mirrors()) {
      counts.put(HostVersion.mirrorOf(v.host(), v.version()), v); // apart from the live numbers
    }
    History h =
        gateways.computeIfAbsent(
            new GatewayRun(report.gateway(), report.instance()), k -> new History(report.bounds()));
    synchronized (h) {
      h.add(new Sample(now, counts), now);
    }
    // Forget gateways gone for longer than any window can reach.
    gateways.values().removeIf(g -> now - g.lastAt() > retentionMillis);
  }

  /** Gateways that reported within {@code staleAfter}, by id. */
  public List<String> liveGateways() {
    long now = nowMillis.getAsLong();
    return gateways.entrySet().stream()
        .filter(e -> now - e.getValue().lastAt() <= staleAfterMillis)
        .map(e -> e.getKey().gateway())
        .sorted()
        .toList();
  }

  /** The fleet's numbers for (host, version) between {@code t0} and {@code t1} (ms). */
  public WindowStats window(String host, String version, long t0, long t1) {
    return window(HostVersion.of(host, version), t0, t1);
  }

  /**
   * The fleet's numbers for the copies mirrored to (host, version) between {@code t0} and {@code
   * t1} (ms): copies answered, their 5xx and p99; never any asset misses.
   */
  public WindowStats mirrorWindow(String host, String version, long t0, long t1) {
    return window(HostVersion.mirrorOf(host, version), t0, t1);
  }

  private WindowStats window(HostVersion key, long t0, long t1) {
    long now = nowMillis.getAsLong();
    long requests = 0;
    long errors = 0;
    long assetMisses = 0;
    long pinned = 0;
    double[] bounds = null;
    long[] latency = null;
    int counted = 0;
    for (History h : gateways.values()) {
      GatewayReport.VersionCounts end;
      GatewayReport.VersionCounts start;
      synchronized (h) {
        if (now - h.lastAt() > staleAfterMillis) {
          continue;
        }
        Sample last = h.atOrBefore(t1);
        if (last == null) {
          continue;
        }
        Sample first = h.atOrBefore(t0);
        if (first == null) {
          first = h.earliest();
        }
        end = last.counts().get(key);
        start = first.counts().get(key);
      }
      counted++;
      if (end == null) {
        continue; // this gateway has not served the version
      }
      requests += Math.max(0, end.requests() - (start == null ? 0 : start.requests()));
      errors += Math.max(0, end.errors() - (start == null ? 0 : start.errors()));
      assetMisses += Math.max(0, end.assetMisses() - (start == null ? 0 : start.assetMisses()));
      pinned += Math.max(0, end.pinned() - (start == null ? 0 : start.pinned()));
      if (bounds == null) {
        bounds = h.bounds;
        latency = new long[bounds.length];
      }
      if (Arrays.equals(bounds, h.bounds)) { // a gateway of another build: counts, no latency
        for (int i = 0; i < latency.length; i++) {
          latency[i] += Math.max(0, end.latency()[i] - (start == null ? 0 : start.latency()[i]));
        }
      }
    }
    return new WindowStats(
        requests, errors, assetMisses, quantile(0.99, bounds, latency, requests), counted, pinned);
  }

  /**
   * The q-quantile of a cumulative histogram, interpolated linearly inside its bucket (what
   * Prometheus' histogram_quantile does). With bounds 0.1, 0.25 and counts 90, 100 of 100 requests,
   * p99 lies in the second bucket, 9 of its 10 requests in: 0.1 + 0.15 * 0.9 = 0.235 s.
   */
  static double quantile(double q, double[] bounds, long[] cumulative, long total) {
    if (bounds == null || total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lower = 0;
    long below = 0;
    for (int i = 0; i < bounds.length; i++) {
      if (cumulative[i] >= rank) {
        long inBucket = cumulative[i] - below;
        return inBucket == 0
            ? bounds[i]
            : lower + (bounds[i] - lower) * (rank - below) / (double) inBucket;
      }
      lower = bounds[i];
      below = cumulative[i];
    }
    return Double.POSITIVE_INFINITY; // above the last bound: slower than we can say
  }

  /**
   * A (host, version) key, live or mirrored copies; host names compare case-insensitively, as the
   * gateway matches them.
   */
  record HostVersion(String host, String version, boolean mirror) {
    static HostVersion of(String host, String version) {
      return new HostVersion(host.toLowerCase(Locale.ROOT), version, false);
    }

    static HostVersion mirrorOf(String host, String version) {
      return new HostVersion(host.toLowerCase(Locale.ROOT), version, true);
    }
  }

  /** One run of one gateway process. */
  private record GatewayRun(String gateway, String instance) {}

  private record Sample(long at, Map<HostVersion, GatewayReport.VersionCounts> counts) {}

  /** One gateway run's samples, oldest first. Guarded by its own monitor. */
  private final class History {
    final double[] bounds;
    private final ArrayDeque<Sample> coarse = new ArrayDeque<>();
    private final ArrayDeque<Sample> recent = new ArrayDeque<>();
    private volatile long lastAt;

    History(double[] bounds) {
      this.bounds = bounds.clone();
    }

    long lastAt() {
      return lastAt;
    }

    void add(Sample s, long now) {
      recent.addLast(s);
      lastAt = s.at();
      while (!recent.isEmpty() && recent.peekFirst().at() < now - FINE_MILLIS) {
        Sample old = recent.pollFirst();
        if (coarse.isEmpty() || old.at() - coarse.peekLast().at() >= COARSE_STEP_MILLIS) {
          coarse.addLast(old);
        }
      }
      while (!coarse.isEmpty() && coarse.peekFirst().at() < now - retentionMillis) {
        coarse.pollFirst();
      }
    }

    Sample atOrBefore(long t) {
      Sample s = latest(recent.descendingIterator(), t);
      return s != null ? s : latest(coarse.descendingIterator(), t);
    }

    Sample earliest() {
      return !coarse.isEmpty() ? coarse.peekFirst() : recent.peekFirst();
    }

    private Sample latest(Iterator<Sample> newestFirst, long t) {
      while (newestFirst.hasNext()) {
        Sample s = newestFirst.next();
        if (s.at() <= t) {
          return s;
        }
      }
      return null;
    }
  }
}
