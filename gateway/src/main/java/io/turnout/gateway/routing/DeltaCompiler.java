package io.turnout.gateway.routing;

import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.AssetSettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotValidator;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a delta to the table in force at a cost proportional to the change:
 *
 * <ul>
 *   <li>a host whose versions only changed endpoints, and where no version starts or stops having a
 *       ready endpoint, is updated in place: each {@link VersionTarget} gets its new endpoint array
 *       (one volatile write), routes and bucket mappings stay, and the table is reissued around the
 *       same compiled hosts with the new snapshot (for {@code /snapshot});
 *   <li>any other touched host is recompiled alone against its previous form (so drain state
 *       carries as in a full compile), and only the host indexes are rebuilt.
 * </ul>
 *
 * <p>Endpoints a delta stops using are not dropped from the {@link EndpointRegistry} one by one
 * (that needs reference counts); every {@link #SWEEP_EVERY} applies the registry is swept against
 * the whole table instead.
 *
 * <p>Threads: used under {@link RoutingState}'s lock only.
 */
final class DeltaCompiler {
  static final int SWEEP_EVERY = 256;

  private final RoutingTableCompiler compiler;
  private final EndpointRegistry endpoints;
  private final GatewayMetrics metrics;
  private int appliesSinceSweep;

  DeltaCompiler(RoutingTableCompiler compiler, EndpointRegistry endpoints, GatewayMetrics metrics) {
    this.compiler = compiler;
    this.endpoints = endpoints;
    this.metrics = metrics;
  }

  /**
   * @param next the whole state after the delta
   * @param specs the same state's hosts by name
   * @param touched the hosts the delta touched, true when only their endpoints changed
   */
  RoutingTable apply(
      RoutingTable previous,
      Snapshot next,
      Map<String, HostSpec> specs,
      Map<String, Boolean> touched,
      AffinitySettings affinityDefaults,
      PreviewSettings preview,
      AssetSettings assetDefaults,
      long nowNanos) {
    Set<UpstreamEndpoint> used = new HashSet<>();
    Map<List<String>, GatewayMetrics.RouteGaugeRow> rows = new LinkedHashMap<>();
    Map<CompiledHost, CompiledHost> replaced = new IdentityHashMap<>();
    List<CompiledHost> added = new ArrayList<>();
    for (Map.Entry<String, Boolean> t : touched.entrySet()) {
      HostSpec spec = specs.get(t.getKey());
      CompiledHost prev = previous.hostNamed(RoutingTableCompiler.indexName(t.getKey()));
      if (spec != null && t.getValue() && prev != null && updateInPlace(spec, prev, rows)) {
        continue;
      }
      CompiledHost now =
          spec == null
              ? null
              : compiler.compileHost(
                  spec, previous, affinityDefaults, preview, assetDefaults, nowNanos, used, rows);
      if (prev != null) {
        replaced.put(prev, now);
      } else if (now != null) {
        added.add(now);
      }
    }
    boolean inPlace = replaced.isEmpty() && added.isEmpty();
    metrics.hostsApplied(
        next.version(), inPlace ? Set.of() : touched.keySet(), List.copyOf(rows.values()));
    RoutingTable table;
    if (inPlace) {
      table = previous.withSnapshot(next);
    } else {
      List<CompiledHost> all = new ArrayList<>(previous.hosts().size() + added.size());
      for (CompiledHost h : previous.hosts()) {
        if (!replaced.containsKey(h)) {
          all.add(h);
        } else if (replaced.get(h) != null) {
          all.add(replaced.get(h));
        }
      }
      all.addAll(added);
      table = index(next, all);
    }
    if (++appliesSinceSweep >= SWEEP_EVERY) {
      sweep(table);
    }
    return table;
  }

  /** A table over {@code hosts}, indexed as {@link RoutingTableCompiler#compile} does. */
  static RoutingTable index(Snapshot snapshot, List<CompiledHost> hosts) {
    Map<String, CompiledHost> exact = new HashMap<>();
    Map<String, CompiledHost> wildcards = new HashMap<>();
    CompiledHost catchAll = null;
    for (CompiledHost host : hosts) {
      String name = RoutingTableCompiler.indexName(host.name());
      if (name.equals("*")) {
        catchAll = host;
      } else if (name.startsWith("*.")) {
        wildcards.put(name.substring(1), host);
      } else {
        exact.put(name, host);
      }
    }
    return new RoutingTable(snapshot, exact, wildcards, catchAll, hosts);
  }

  /** Drops registry entries no version of {@code table} uses any more. */
  void sweep(RoutingTable table) {
    Set<UpstreamEndpoint> used = new HashSet<>();
    for (CompiledHost h : table.hosts()) {
      for (CompiledRoute r : h.routes()) {
        for (VersionTarget v : r.versions()) {
          used.addAll(List.of(v.endpoints()));
        }
      }
    }
    endpoints.retainOnly(used);
    appliesSinceSweep = 0;
  }

  /**
   * Gives each version of {@code prev} the endpoints of {@code spec}, when that changes nothing
   * else: the same routes and versions, same weights, and each version's having a ready endpoint
   * unchanged (else serving state and bucket mapping would change: recompile). Checks everything
   * before changing anything, so a refusal leaves {@code prev} untouched.
   */
  private boolean updateInPlace(
      HostSpec spec, CompiledHost prev, Map<List<String>, GatewayMetrics.RouteGaugeRow> rows) {
    List<VersionTarget> targets = new ArrayList<>();
    List<UpstreamEndpoint[]> arrays = new ArrayList<>();
    int versionCount = 0;
    for (RouteSpec rs : spec.routes()) {
      CompiledRoute route = prev.routeWithKey(SnapshotValidator.matchKey(rs));
      if (route == null) {
        return false;
      }
      for (VersionSpec vs : rs.versions()) {
        VersionTarget vt = route.version(vs.name());
        if (vt == null || !vt.inSnapshot() || vt.weight() != vs.weight()) {
          return false;
        }
        List<UpstreamEndpoint> ready = new ArrayList<>();
        for (EndpointSpec es : vs.endpoints()) {
          if (es.ready()) {
            ready.add(endpoints.endpointFor(es));
          }
        }
        if (ready.isEmpty() == vt.hasReadyEndpoint()) {
          return false;
        }
        targets.add(vt);
        arrays.add(ready.toArray(new UpstreamEndpoint[0]));
        versionCount++;
      }
    }
    int inSnapshot = 0;
    for (CompiledRoute r : prev.routes()) {
      for (VersionTarget v : r.versions()) {
        inSnapshot += v.inSnapshot() ? 1 : 0;
      }
    }
    if (inSnapshot != versionCount) {
      return false; // a version or route left: not endpoints only
    }
    for (int i = 0; i < targets.size(); i++) {
      VersionTarget vt = targets.get(i);
      vt.replaceEndpoints(arrays.get(i));
      rows.merge(
          List.of(spec.host(), vt.name()),
          new GatewayMetrics.RouteGaugeRow(
              spec.host(), vt.name(), vt.weight(), arrays.get(i).length),
          (a, b) ->
              new GatewayMetrics.RouteGaugeRow(
                  spec.host(),
                  vt.name(),
                  Math.max(a.weight(), b.weight()),
                  Math.max(a.readyEndpoints(), b.readyEndpoints())));
    }
    return true;
  }
}
