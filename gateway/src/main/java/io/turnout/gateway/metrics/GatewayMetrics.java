package io.turnout.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's meters, one registry per gateway. Names follow DESIGN section 6; every tag value
 * comes from the snapshot (host and version names) or a fixed set, never from request data.
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
  private final AtomicLong snapshotVersion = new AtomicLong();
  private final Counter snapshotsRejected;
  private final Counter endpointEjections;
  private final Counter retries;
  private final MultiGauge routeWeight;
  private final MultiGauge routeEndpoints;

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
    routeWeight =
        MultiGauge.builder("turnout.route.weight")
            .description("Configured weight of each version, by host")
            .register(registry);
    routeEndpoints =
        MultiGauge.builder("turnout.route.endpoints")
            .description("Ready endpoints of each version, by host")
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

  /** Publishes the gauges of a newly applied snapshot. */
  public void snapshotApplied(long version, List<RouteGaugeRow> rows) {
    snapshotVersion.set(version);
    routeWeight.register(
        rows.stream()
            .map(
                r ->
                    MultiGauge.Row.of(
                        Tags.of("host", r.host(), "version", r.version()), r.weight()))
            .toList(),
        true);
    routeEndpoints.register(
        rows.stream()
            .map(
                r ->
                    MultiGauge.Row.of(
                        Tags.of("host", r.host(), "version", r.version()), r.readyEndpoints()))
            .toList(),
        true);
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

  /** Counts a navigation that moved a client from one version to another. */
  public void repinned(String host, String from, String to) {
    registry.counter("turnout.affinity.repins", "host", host, "from", from, "to", to).increment();
  }

  /** One row of the per-(host, version) gauges. */
  public record RouteGaugeRow(String host, String version, int weight, int readyEndpoints) {}
}
