package io.turnout.gateway.routing;

import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.AssetSettings;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotValidator;
import io.turnout.gateway.source.DrainAuthority;
import io.turnout.gateway.source.SnapshotSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's current routing: validates each offered snapshot whole, compiles it (in file mode
 * against the previous table, to carry drain state), and publishes it with one volatile write. A
 * request reads {@link #table()} once and uses that table to the end.
 *
 * <p>Thread-safe: writers (file watcher, controller stream) serialize on {@code this}; readers
 * (every event loop) never lock.
 */
public final class RoutingState implements SnapshotSink {
  private static final Logger log = LoggerFactory.getLogger(RoutingState.class);

  private final GatewayMetrics metrics;
  private final EndpointRegistry endpoints = new EndpointRegistry();
  private final RoutingTableCompiler compiler;
  private final DeltaCompiler deltas;
  private volatile RoutingTable table;
  private AffinitySettings affinityDefaults;
  private PreviewSettings preview;
  private AssetSettings assetDefaults;

  public RoutingState(
      GatewayMetrics metrics, AffinitySettings affinityDefaults, PreviewSettings preview) {
    this(
        metrics, affinityDefaults, preview, AssetSettings.DEFAULTS, DrainAuthority.GATEWAY_HISTORY);
  }

  /**
   * @param assetDefaults the skew guard settings hosts inherit
   * @param drainAuthority whether drain is this gateway's own history (file) or the snapshot's
   *     stamps (controller)
   */
  public RoutingState(
      GatewayMetrics metrics,
      AffinitySettings affinityDefaults,
      PreviewSettings preview,
      AssetSettings assetDefaults,
      DrainAuthority drainAuthority) {
    this.metrics = metrics;
    this.compiler = new RoutingTableCompiler(endpoints, metrics, DrainClock.of(drainAuthority));
    this.deltas = new DeltaCompiler(compiler, endpoints, metrics);
    this.affinityDefaults = affinityDefaults;
    this.preview = preview;
    this.assetDefaults = assetDefaults;
  }

  /** The table in force, or null before the first snapshot. */
  public RoutingTable table() {
    return table;
  }

  /** True once a snapshot has been applied. */
  public boolean hasSnapshot() {
    return table != null;
  }

  public EndpointRegistry endpoints() {
    return endpoints;
  }

  @Override
  public synchronized boolean offer(Snapshot snapshot, String origin) {
    try {
      SnapshotValidator.validate(snapshot);
      RoutingTable next =
          compiler.compile(
              snapshot, table, affinityDefaults, preview, assetDefaults, System.nanoTime());
      table = next;
      log.info(
          "applied snapshot version {} from {}: {} host(s)",
          snapshot.version(),
          origin,
          snapshot.hosts().size());
      return true;
    } catch (ConfigException e) {
      rejected(origin, String.join("; ", e.problems()));
      return false;
    } catch (RuntimeException e) {
      rejected(origin, e.getMessage());
      return false;
    }
  }

  /**
   * Applies a delta's hosts only (see {@link DeltaCompiler}); validates the touched hosts, plus
   * that none of them takes a name another host already has. Before the first table, or when a
   * quarter of the hosts or more changed, compiles whole instead.
   */
  @Override
  public synchronized boolean offerChange(
      Snapshot next, Map<String, HostSpec> hosts, Map<String, Boolean> touched, String origin) {
    RoutingTable current = table;
    if (current == null || touched.size() * 4 >= Math.max(4, hosts.size())) {
      return offer(next, origin);
    }
    try {
      List<String> problems = new ArrayList<>();
      if (next.version() < 0) {
        problems.add("version: must be >= 0, was " + next.version());
      }
      List<HostSpec> changed = new ArrayList<>();
      for (String name : touched.keySet()) {
        HostSpec h = hosts.get(name);
        if (h == null) {
          continue;
        }
        changed.add(h);
        CompiledHost same = current.hostNamed(h.host().toLowerCase(Locale.ROOT));
        if (same != null && !same.name().equals(h.host()) && hosts.containsKey(same.name())) {
          problems.add("hosts: '" + h.host() + "' appears more than once");
        }
      }
      SnapshotValidator.validateHosts(changed, "hosts", problems);
      if (!problems.isEmpty()) {
        rejected(origin, String.join("; ", problems));
        return false;
      }
      table =
          deltas.apply(
              current,
              next,
              hosts,
              touched,
              affinityDefaults,
              preview,
              assetDefaults,
              System.nanoTime());
      log.debug(
          "applied snapshot version {} from {}: {} host(s) changed",
          next.version(),
          origin,
          touched.size());
      return true;
    } catch (RuntimeException e) {
      rejected(origin, e.getMessage());
      return false;
    }
  }

  @Override
  public void reject(String origin, String reason) {
    rejected(origin, reason);
  }

  /**
   * Replaces the global affinity and preview settings (a config file edit) and recompiles the
   * current snapshot under them; the new settings stay in effect for later snapshots.
   *
   * @return false when the current snapshot does not compile under the new settings; then nothing
   *     changes
   */
  public synchronized boolean updateSettings(
      AffinitySettings newAffinity, PreviewSettings newPreview, String origin) {
    return recompileUnder(newAffinity, newPreview, assetDefaults, origin);
  }

  /**
   * Replaces the global asset skew guard settings (a config file edit) and recompiles the current
   * snapshot under them, as {@link #updateSettings} does for affinity.
   */
  public synchronized boolean updateAssetSettings(AssetSettings newAssets, String origin) {
    return recompileUnder(affinityDefaults, preview, newAssets, origin);
  }

  /** Recompiles the current snapshot under new settings; they stay for later snapshots. */
  private boolean recompileUnder(
      AffinitySettings newAffinity,
      PreviewSettings newPreview,
      AssetSettings newAssets,
      String origin) {
    if (newAffinity.equals(affinityDefaults)
        && newPreview.equals(preview)
        && newAssets.equals(assetDefaults)) {
      return true;
    }
    RoutingTable current = table;
    if (current != null) {
      try {
        table =
            compiler.compile(
                current.snapshot(), current, newAffinity, newPreview, newAssets, System.nanoTime());
      } catch (RuntimeException e) {
        rejected(origin, e.getMessage());
        return false;
      }
    }
    affinityDefaults = newAffinity;
    preview = newPreview;
    assetDefaults = newAssets;
    return true;
  }

  @Override
  public void controllerConnected(boolean connected) {
    metrics.controllerConnected(connected);
  }

  private void rejected(String origin, String reason) {
    metrics.snapshotRejected();
    log.error(
        "rejected routing config from {}: {}; the last good config keeps serving", origin, reason);
  }
}
