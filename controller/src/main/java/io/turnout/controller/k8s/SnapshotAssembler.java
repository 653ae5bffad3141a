package io.turnout.controller.k8s;

import io.turnout.controller.k8s.Rejection.Kind;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts the Services' routes together into the hosts of a snapshot.
 *
 * <p>Three rules live here because they need more than one Service at a time:
 *
 * <ul>
 *   <li><b>One namespace per host.</b> {@link HostOwnership} decides; a Service that claims a host
 *       another namespace owns, or a broad wildcard its namespace is not trusted with, is rejected
 *       as a whole. Deleted Services still draining keep their claims, so a host changes hands only
 *       after its owner's last version has drained.
 *   <li><b>One owner per (host, path, version).</b> Services are taken in {@code namespace/name}
 *       order; a Service that claims a slot another accepted Service already holds is rejected as a
 *       whole (never half-applied), naming the owner. Deleted Services ({@code live = false}) only
 *       fill slots nobody live holds.
 *   <li><b>Equal shares when nobody set a weight.</b> If no live Service of a route has a {@code
 *       turnout.io/weight} annotation, every live version with a ready endpoint gets weight 1.
 *       Example: {@code shop-blue} and {@code shop-green} both without {@code turnout.io/weight},
 *       both with pods: 1 and 1, half each. Set green to 10 and blue (no annotation: 0) drains. An
 *       explicit {@code "0"} is dark and never promoted: blue {@code "0"} and green unannotated are
 *       both dark, and the host answers 503 except to previews.
 * </ul>
 *
 * <p>Pure function; the output is sorted (hosts, paths, versions by name) so equal input gives an
 * equal snapshot.
 */
public final class SnapshotAssembler {
  private SnapshotAssembler() {}

  /**
   * @param hosts the hosts of the snapshot
   * @param conflicts Services left out because another Service owns their slot or another namespace
   *     their host
   */
  public record Result(List<HostSpec> hosts, List<Rejection> conflicts) {}

  /** Assembles with no namespace trusted with broad wildcards. */
  public static Result assemble(Collection<ServiceRoute> routes) {
    return assemble(routes, HostOwnership.trustingNone());
  }

  public static Result assemble(Collection<ServiceRoute> routes, HostOwnership ownership) {
    List<ServiceRoute> sorted = new ArrayList<>(routes);
    // Live first, then by key: the live owner of a slot always beats a deleted one.
    sorted.sort(
        Comparator.comparing((ServiceRoute r) -> !r.live()).thenComparing(ServiceRoute::key));

    HostOwnership.Decision hostOwners = ownership.decide(ServiceClaims.of(sorted));
    Map<String, String> owners = new HashMap<>();
    List<Rejection> conflicts = new ArrayList<>();
    // host -> path -> routes (TreeMaps: sorted output)
    Map<String, Map<String, List<ServiceRoute>>> tree = new TreeMap<>();
    for (ServiceRoute route : sorted) {
      if (!route.live() && route.endpoints().isEmpty()) {
        continue; // nothing left to drain
      }
      Rejection refused = ServiceClaims.refusal(hostOwners, route);
      if (refused != null) {
        if (route.live()) {
          conflicts.add(refused);
        }
        continue;
      }
      String taken = null;
      String takenHost = null;
      for (String host : route.hosts()) {
        String owner = owners.get(slot(host, route));
        if (owner != null) {
          taken = owner;
          takenHost = host;
          break;
        }
      }
      if (taken != null) {
        if (route.live()) {
          conflicts.add(
              new Rejection(
                  route.key(),
                  Kind.CONFLICT,
                  "host "
                      + takenHost
                      + " path "
                      + route.path()
                      + " version "
                      + route.version()
                      + " is already provided by Service "
                      + taken));
        }
        continue;
      }
      for (String host : route.hosts()) {
        owners.put(slot(host, route), route.key());
        tree.computeIfAbsent(host, h -> new TreeMap<>())
            .computeIfAbsent(route.path(), p -> new ArrayList<>())
            .add(route);
      }
    }

    List<HostSpec> hosts = new ArrayList<>(tree.size());
    for (Map.Entry<String, Map<String, List<ServiceRoute>>> host : tree.entrySet()) {
      List<RouteSpec> paths = new ArrayList<>(host.getValue().size());
      for (Map.Entry<String, List<ServiceRoute>> path : host.getValue().entrySet()) {
        paths.add(new RouteSpec(path.getKey(), versions(path.getValue())));
      }
      hosts.add(new HostSpec(host.getKey(), paths));
    }
    return new Result(List.copyOf(hosts), List.copyOf(conflicts));
  }

  private static List<VersionSpec> versions(List<ServiceRoute> routes) {
    boolean anyWeight = false;
    for (ServiceRoute r : routes) {
      anyWeight |= r.live() && r.weighted();
    }
    List<VersionSpec> out = new ArrayList<>(routes.size());
    for (ServiceRoute r : routes) {
      int weight = anyWeight ? r.weight() : (r.live() && !r.endpoints().isEmpty() ? 1 : 0);
      out.add(new VersionSpec(r.version(), weight, r.endpoints(), null, r.mirror()));
    }
    out.sort(Comparator.comparing(VersionSpec::name));
    return out;
  }

  private static String slot(String host, ServiceRoute route) {
    return host + ' ' + route.path() + ' ' + route.version();
  }
}
