package io.turnout.gateway.routing;

import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.assets.AssetPolicy;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.AssetSettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.filter.RouteFilters;
import io.turnout.gateway.routing.match.RouteMatch;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostNames;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a snapshot into a {@link RoutingTable}. Drain state comes from the {@link DrainClock}:
 *
 * <ul>
 *   <li>file mode ({@link GatewayDrainHistory}): carried over from the previous table. A version
 *       that served before and does not now (weight 0, or no ready endpoint) is stamped with the
 *       time it stopped, which starts its drain; a version that left the snapshot while serving or
 *       draining stays in its route as a "ghost" with its last endpoints and weight 0 until its
 *       drain runs out, so its pinned clients' sub-requests still land;
 *   <li>controller mode ({@link SnapshotDrainStamps}): read from each version's {@code
 *       drainingSince} in the snapshot; no history, no ghosts.
 * </ul>
 *
 * <p>Runs on whichever thread delivers snapshots, never on an event loop's request path.
 */
final class RoutingTableCompiler {
  private final EndpointRegistry endpoints;
  private final GatewayMetrics metrics;
  private final DrainClock drainClock;

  RoutingTableCompiler(EndpointRegistry endpoints, GatewayMetrics metrics, DrainClock drainClock) {
    this.endpoints = endpoints;
    this.metrics = metrics;
    this.drainClock = drainClock;
  }

  RoutingTable compile(
      Snapshot snapshot,
      RoutingTable previous,
      AffinitySettings affinityDefaults,
      PreviewSettings preview,
      AssetSettings assetDefaults,
      long nowNanos) {
    Map<String, CompiledHost> exact = new HashMap<>();
    Map<String, CompiledHost> wildcards = new HashMap<>();
    CompiledHost catchAll = null;
    List<CompiledHost> all = new ArrayList<>();
    Set<UpstreamEndpoint> used = new HashSet<>();
    Map<List<String>, GatewayMetrics.RouteGaugeRow> gaugeRows = new LinkedHashMap<>();

    for (HostSpec hs : snapshot.hosts()) {
      CompiledHost host =
          compileHost(
              hs, previous, affinityDefaults, preview, assetDefaults, nowNanos, used, gaugeRows);
      all.add(host);
      String name = host.name();
      if (name.equals("*")) {
        catchAll = host;
      } else if (name.startsWith("*.")) {
        wildcards.put(name.substring(1), host);
      } else {
        exact.put(name, host);
      }
    }
    endpoints.retainOnly(used);
    metrics.snapshotApplied(snapshot.version(), List.copyOf(gaugeRows.values()));
    return new RoutingTable(snapshot, exact, wildcards, catchAll, all);
  }

  /** The name a host is indexed under ({@link HostNames#normalize}). */
  static String indexName(String host) {
    return HostNames.normalize(host);
  }

  /** Compiles one host against its previous form in {@code previous} (drain state carries). */
  CompiledHost compileHost(
      HostSpec hs,
      RoutingTable previous,
      AffinitySettings affinityDefaults,
      PreviewSettings preview,
      AssetSettings assetDefaults,
      long nowNanos,
      Set<UpstreamEndpoint> used,
      Map<List<String>, GatewayMetrics.RouteGaugeRow> gaugeRows) {
    String name = indexName(hs.host());
    AffinityPolicy policy =
        AffinityPolicy.of(affinityDefaults.overriddenBy(hs.affinity()), preview);
    CompiledHost prevHost = previous == null ? null : previous.hostNamed(name);
    List<CompiledRoute> routes = new ArrayList<>();
    for (int i = 0; i < hs.routes().size(); i++) {
      RouteSpec rs = hs.routes().get(i);
      RouteMatch match = RouteMatch.compile(rs);
      CompiledRoute prevRoute = prevHost == null ? null : prevHost.routeWithKey(match.key());
      routes.add(compileRoute(name, match, i, rs, prevRoute, policy, nowNanos, used, gaugeRows));
    }
    AssetPolicy assets = AssetPolicy.of(assetDefaults.overriddenBy(hs.assets()));
    return new CompiledHost(name, policy, assets, routes);
  }

  private CompiledRoute compileRoute(
      String hostName,
      RouteMatch match,
      int order,
      RouteSpec rs,
      CompiledRoute prevRoute,
      AffinityPolicy policy,
      long nowNanos,
      Set<UpstreamEndpoint> used,
      Map<List<String>, GatewayMetrics.RouteGaugeRow> gaugeRows) {
    List<VersionTarget> versions = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (VersionSpec vs : rs.versions()) {
      names.add(vs.name());
      List<UpstreamEndpoint> ready = new ArrayList<>();
      for (EndpointSpec es : vs.endpoints()) {
        if (es.ready()) {
          UpstreamEndpoint ep = endpoints.endpointFor(es);
          ready.add(ep);
          used.add(ep);
        }
      }
      boolean servingNow = vs.weight() > 0 && !ready.isEmpty();
      long stoppedAt = 0;
      if (!servingNow) {
        VersionTarget prev = prevRoute == null ? null : prevRoute.version(vs.name());
        stoppedAt = drainClock.stoppedServingAt(vs, prev, policy, nowNanos);
      }
      versions.add(
          new VersionTarget(
              vs.name(),
              vs.weight(),
              ready,
              true,
              stoppedAt,
              metrics.versionMeters(hostName, vs.name()),
              vs.mirror()));
      gaugeRows.merge(
          List.of(hostName, vs.name()),
          new GatewayMetrics.RouteGaugeRow(hostName, vs.name(), vs.weight(), ready.size()),
          (a, b) ->
              new GatewayMetrics.RouteGaugeRow(
                  hostName,
                  vs.name(),
                  Math.max(a.weight(), b.weight()),
                  Math.max(a.readyEndpoints(), b.readyEndpoints())));
    }
    if (prevRoute != null && drainClock.keepsGhosts()) {
      for (VersionTarget prev : prevRoute.versions()) {
        if (names.contains(prev.name())) {
          continue;
        }
        long stoppedAt = drainClock.stoppedServingAt(null, prev, policy, nowNanos);
        if (stoppedAt != 0 && nowNanos - stoppedAt < policy.drainTimeoutNanos()) {
          List<UpstreamEndpoint> kept = List.of(prev.endpoints());
          used.addAll(kept);
          versions.add(new VersionTarget(prev.name(), 0, kept, false, stoppedAt, prev.meters()));
        }
      }
    }
    RouteFilters filters = RouteFilters.compile(rs.filters(), match.path().path());
    return new CompiledRoute(
        match, filters, order, versions, BucketMapping.of(servingOnly(versions)));
  }

  private static List<VersionTarget> servingOnly(List<VersionTarget> versions) {
    List<VersionTarget> serving = new ArrayList<>();
    for (VersionTarget v : versions) {
      if (v.inSnapshot() && v.weight() > 0 && v.hasReadyEndpoint()) {
        serving.add(v);
      }
    }
    return serving;
  }
}
