package io.turnout.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The asset skew guard's counters: {@code turnout_asset_misses_total{host,version}} (a version
 * answered 404 to a {@code GET} for an asset path) and {@code
 * turnout_asset_fallbacks_total{host,from,to}} (such a request was then asked of another version).
 * Tag values are host and version names from the snapshot. Counters are made the first time a
 * (host, version) misses; a miss is rare enough that the map lookup does not matter.
 *
 * <p>Thread-safe.
 */
public final class AssetMeters {
  private final MeterRegistry registry;
  private final Map<List<String>, Counter> misses = new ConcurrentHashMap<>();
  private final Map<List<String>, Counter> fallbacks = new ConcurrentHashMap<>();

  AssetMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Counts a 404 from {@code version} for an asset path. */
  public void miss(String host, String version) {
    misses
        .computeIfAbsent(
            List.of(host, version),
            k ->
                Counter.builder("turnout.asset.misses")
                    .description("Asset GETs a version answered 404, by host and version")
                    .tags("host", host, "version", version)
                    .register(registry))
        .increment();
  }

  /** Counts an asset GET that {@code from} missed being asked of {@code to}. */
  public void fallback(String host, String from, String to) {
    fallbacks
        .computeIfAbsent(
            List.of(host, from, to),
            k ->
                Counter.builder("turnout.asset.fallbacks")
                    .description("Asset GETs retried on another version after a 404")
                    .tags("host", host, "from", from, "to", to)
                    .register(registry))
        .increment();
  }
}
