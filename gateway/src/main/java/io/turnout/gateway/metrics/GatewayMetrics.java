package io.turnout.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's meters, one registry per gateway. Names follow docs/REFERENCE.md, interfaces; every
 * tag value comes from the snapshot (host and version names) or a fixed set, never from request
 * data.
 *
 * <p>Thread-safe.
 */
public final class GatewayMetrics {
  /** Tag value for requests that matched no host of the snapshot. */
  public static final String NO_HOST = "_unmatched";

  /** Tag value for requests answered before a version was chosen. */
  public static final String NO_VERSION = "_none";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<List<String>, VersionMeters> versionMeters = new ConcurrentHashMap<>();
  private final Map<List<String>, LatencyTally> mirrorLatency = new ConcurrentHashMap<>();
  private final AtomicLong snapshotVersion = new AtomicLong();
  private final Counter snapshotsRejected;
  private final Counter endpointEjections;
  private final Counter retries;
  private final Map<List<String>, RouteGauges> routeGauges = new ConcurrentHashMap<>();
  private final AssetMeters assets = new AssetMeters(registry);
  private final AtomicLong controllerConnected = new AtomicLong(-1);

  public GatewayMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
      new NettyAllocatorMetrics(provider).bindTo(registry);
    }
    Gauge.builder("turnout.snapshot.version", snapshotVersion, AtomicLong::get)
        .description("Version of the routing snapshot in use")
        .register(registry);
    snapshotsRejected =
        Counter.builder("turnout.snapshot.rejected")
            .description("Snapshots or config edits rejected as invalid")
            .register(registry);
    endpointEjections =
        Counter.builder("turnout.endpoint.ejections")
            .description("Endpoints taken out of rotation by passive health checks")
            .register(registry);
    retries =
        Counter.builder("turnout.upstream.retries")
            .description("Requests retried on another endpoint of the same version")
            .register(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The meters of (host, version), made once and shared by every snapshot naming them. */
  public VersionMeters versionMeters(String host, String version) {
    return versionMeters.computeIfAbsent(
        List.of(host, version), k -> new VersionMeters(registry, host, version));
  }

  /**
   * The report's latency tally of the copies mirrored to (host, version), made on first use; the
   * mirror's Prometheus meters live beside it in {@link #registry()}.
   */
  public LatencyTally mirrorLatency(String host, String version) {
    return mirrorLatency.computeIfAbsent(
        List.of(host, version), k -> new LatencyTally(VersionMeters.latencyBuckets()));
  }

  /** Every (host, mirror version) with a tally, as [host, version] to its tally. */
  public Map<List<String>, LatencyTally> allMirrorLatency() {
    return Map.copyOf(mirrorLatency);
  }

  /** Every (host, version) seen so far, for the controller report. */
  public Collection<VersionMeters> allVersionMeters() {
    return versionMeters.values();
  }

  /**
   * Asset misses counted for (host, version) by the asset skew guard ({@code
   * turnout_asset_misses_total}), or 0 when that meter does not exist.
   */
  public long assetMisses(String host, String version) {
    Counter c =
        registry.find("turnout.asset.misses").tag("host", host).tag("version", version).counter();
    return c == null ? 0 : (long) c.count();
  }

  /**
   * Publishes the gauges of a newly applied snapshot. Gauges of (host, version) pairs that stay are
   * updated in place; only pairs that come or go touch the registry, so a weight change on a
   * gateway with thousands of hosts costs a map walk, not thousands of re-registrations.
   */
  public void snapshotApplied(long version, List<RouteGaugeRow> rows) {
    snapshotVersion.set(version);
    Set<List<String>> present = new HashSet<>();
    for (RouteGaugeRow r : rows) {
      List<String> key = List.of(r.host(), r.version());
      present.add(key);
      RouteGauges g =
          routeGauges.computeIfAbsent(key, k -> new RouteGauges(registry, r.host(), r.version()));
      g.weight = r.weight();
      g.readyEndpoints = r.readyEndpoints();
    }
    routeGauges
        .entrySet()
        .removeIf(
            e -> {
              if (present.contains(e.getKey())) {
                return false;
              }
              e.getValue().remove(registry);
              return true;
            });
  }

  /**
   * Like {@link #snapshotApplied} for a delta: updates {@code rows}, and drops the other rows of
   * {@code hosts} (empty when only endpoints changed in place, so nothing can have gone).
   */
  public void hostsApplied(long version, Set<String> hosts, List<RouteGaugeRow> rows) {
    snapshotVersion.set(version);
    Set<List<String>> present = new HashSet<>();
    for (RouteGaugeRow r : rows) {
      List<String> key = List.of(r.host(), r.version());
      present.add(key);
      RouteGauges g =
          routeGauges.computeIfAbsent(key, k -> new RouteGauges(registry, r.host(), r.version()));
      g.weight = r.weight();
      g.readyEndpoints = r.readyEndpoints();
    }
    if (hosts.isEmpty()) {
      return; // endpoints changed in place: no row can have gone, skip the walk of every row
    }
    routeGauges
        .entrySet()
        .removeIf(
            e -> {
              if (present.contains(e.getKey()) || !hosts.contains(e.getKey().get(0))) {
                return false;
              }
              e.getValue().remove(registry);
              return true;
            });
  }

  public void snapshotRejected() {
    snapshotsRejected.increment();
  }

  public double snapshotsRejected() {
    return snapshotsRejected.count();
  }

  public void endpointEjected() {
    endpointEjections.increment();
  }

  public void retried() {
    retries.increment();
  }

  /**
   * The gateway sent GOAWAY with an error to an HTTP/2 client and closed its connection: a limit of
   * {@code http2.*} was broken or the client broke the protocol. {@code error} is the HTTP/2 error
   * name in lower case ({@code enhance_your_calm}, {@code protocol_error}, ...).
   */
  public void http2ConnectionClosedForAbuse(String error) {
    Counter.builder("turnout.http2.abusive.connections")
        .description("HTTP/2 client connections closed with GOAWAY and an error code")
        .tag("error", error)
        .register(registry)
        .increment();
  }

  /**
   * Sets {@code turnout_controller_connected} (1 while the snapshot stream from the controller is
   * up, else 0). The gauge is registered on the first report, so only controller-backed gateways
   * export it.
   */
  public void controllerConnected(boolean connected) {
    if (controllerConnected.getAndSet(connected ? 1 : 0) < 0) {
      Gauge.builder("turnout.controller.connected", controllerConnected, AtomicLong::get)
          .description("1 while the snapshot stream from the controller is connected, else 0")
          .register(registry);
    }
  }

  /** The asset skew guard's counters. */
  public AssetMeters assets() {
    return assets;
  }

  /** Counts a navigation that moved a client from one version to another. */
  public void repinned(String host, String from, String to) {
    registry.counter("turnout.affinity.repins", "host", host, "from", from, "to", to).increment();
  }

  /** The weight and endpoint gauges of one (host, version); values written on snapshot apply. */
  private static final class RouteGauges {
    volatile double weight;
    volatile double readyEndpoints;
    private final Gauge weightGauge;
    private final Gauge endpointsGauge;

    RouteGauges(MeterRegistry registry, String host, String version) {
      weightGauge =
          Gauge.builder("turnout.route.weight", this, g -> g.weight)
              .description("Configured weight of each version, by host")
              .tags("host", host, "version", version)
              .strongReference(true)
              .register(registry);
      endpointsGauge =
          Gauge.builder("turnout.route.endpoints", this, g -> g.readyEndpoints)
              .description("Ready endpoints of each version, by host")
              .tags("host", host, "version", version)
              .strongReference(true)
              .register(registry);
    }

    void remove(MeterRegistry registry) {
      registry.remove(weightGauge);
      registry.remove(endpointsGauge);
    }
  }

  /** One row of the per-(host, version) gauges. */
  public record RouteGaugeRow(String host, String version, int weight, int readyEndpoints) {}
}
