package io.turnout.gateway.routing;

import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.config.AffinitySettings;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a snapshot into a {@link RoutingTable}, carrying drain state over from the previous table:
 *
 * <ul>
 *   <li>a version that served before and does not now (weight 0, or no ready endpoint) is stamped
 *       with the time it stopped, which starts its drain;
 *   <li>a version that left the snapshot while serving or draining stays in its route as a "ghost"
 *       with its last endpoints and weight 0 until its drain runs out, so its pinned clients'
 *       sub-requests still land (DESIGN section 3, "removed from the snapshot while its endpoints
 *       still exist").
 * </ul>
 *
 * <p>Runs on whichever thread delivers snapshots, never on an event loop's request path.
 */
final class RoutingTableCompiler {
  private final EndpointRegistry endpoints;
  private final GatewayMetrics metrics;

  RoutingTableCompiler(EndpointRegistry endpoints, GatewayMetrics metrics) {
    this.endpoints = endpoints;
    this.metrics = metrics;
  }

  RoutingTable compile(
      Snapshot snapshot,
      RoutingTable previous,
      AffinitySettings affinityDefaults,
      PreviewSettings preview,
      long nowNanos) {
    Map<String, CompiledHost> exact = new HashMap<>();
    Map<String, CompiledHost> wildcards = new HashMap<>();
    CompiledHost catchAll = null;
    List<CompiledHost> all = new ArrayList<>();
    Set<UpstreamEndpoint> used = new HashSet<>();
    Map<List<String>, GatewayMetrics.RouteGaugeRow> gaugeRows = new LinkedHashMap<>();

    for (HostSpec hs : snapshot.hosts()) {
      CompiledHost host =
          compileHost(hs, previous, affinityDefaults, preview, nowNanos, used, gaugeRows);
      all.add(host);
      String name = indexName(hs.host());
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

  /** The name a host is indexed under: lower case, one trailing dot removed. */
  static String indexName(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.length() > 1 && name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name;
  }

  /** Compiles one host against its previous form in {@code previous} (drain state carries). */
  CompiledHost compileHost(
      HostSpec hs,
      RoutingTable previous,
      AffinitySettings affinityDefaults,
      PreviewSettings preview,
      long nowNanos,
      Set<UpstreamEndpoint> used,
      Map<List<String>, GatewayMetrics.RouteGaugeRow> gaugeRows) {
    String name = indexName(hs.host());
    AffinityPolicy policy =
        AffinityPolicy.of(affinityDefaults.overriddenBy(hs.affinity()), preview);
    CompiledHost prevHost = previous == null ? null : previous.hostNamed(name);
    List<CompiledRoute> routes = new ArrayList<>();
    for (RouteSpec rs : hs.routes()) {
      String prefix = SnapshotValidator.normalizePrefix(rs.path());
      CompiledRoute prevRoute = prevHost == null ? null : prevHost.routeWithPrefix(prefix);
      routes.add(compileRoute(hs.host(), prefix, rs, prevRoute, policy, nowNanos, used, gaugeRows));
    }
    return new CompiledHost(hs.host(), policy, routes);
  }

  private CompiledRoute compileRoute(
      String hostName,
      String prefix,
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
        stoppedAt = stoppedServingAt(prev, policy, nowNanos);
      }
      versions.add(
          new VersionTarget(
              vs.name(),
              vs.weight(),
              ready,
              true,
              stoppedAt,
              metrics.versionMeters(hostName, vs.name())));
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
    if (prevRoute != null) {
      for (VersionTarget prev : prevRoute.versions()) {
        if (names.contains(prev.name())) {
          continue;
        }
        long stoppedAt = stoppedServingAt(prev, policy, nowNanos);
        if (stoppedAt != 0 && nowNanos - stoppedAt < policy.drainTimeoutNanos()) {
          List<UpstreamEndpoint> kept = List.of(prev.endpoints());
          used.addAll(kept);
          versions.add(new VersionTarget(prev.name(), 0, kept, false, stoppedAt, prev.meters()));
        }
      }
    }
    return new CompiledRoute(prefix, versions, BucketMapping.of(servingOnly(versions)));
  }

  /** When a version that is not serving now stopped: now if it served until now, else as before. */
  private static long stoppedServingAt(VersionTarget prev, AffinityPolicy policy, long nowNanos) {
    if (prev == null) {
      return 0; // new and not serving: dark from the start
    }
    if (prev.state(nowNanos, policy.drainTimeoutNanos()) == VersionState.SERVING) {
      return nowNanos == 0 ? 1 : nowNanos;
    }
    return prev.stoppedServingAtNanos();
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
