package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.SnapshotValidator;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the hosts of the {@link RouteSource}s with the Services' hosts, one pass at a time.
 *
 * <p>A pass: {@link #collect} asks every source for its routes; the reconciler decides host
 * ownership over the Services' claims and {@link Pass#claims()} together ({@link
 * HostOwnership#withClaims}); {@link Pass#merge} then keeps the sourced routes whose object was not
 * refused, builds one {@link HostSpec} per sourced host, and tells each source which of its objects
 * were left out and why. Within a host, objects are taken oldest first (then namespace, name); a
 * route whose match an older object already has is dropped, and an object whose routes would make
 * the host invalid (a bad version name, a path the gateway cannot hold) is refused as a whole with
 * the validator's message, so one bad HTTPRoute never stops everybody's snapshot.
 *
 * <p>Example: Services {@code shop/shop-blue} (Monday) route {@code shop.example.com}; HTTPRoute
 * {@code shop/web} (Tuesday) names the same host. The Services own it; {@code shop/web} is refused
 * ("one kind of object routes a host") and its source writes that into its status. HTTPRoute {@code
 * shop/web} on {@code www.example.com} merges with HTTPRoute {@code shop/api} on the same host.
 *
 * <p>Owned by the reconciler thread.
 */
final class SourceMerger {
  private static final Comparator<SourcedRoutes> OLDEST_FIRST =
      Comparator.comparing(
              (SourcedRoutes s) -> s.claim().created(),
              Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(s -> s.claim().object().namespace())
          .thenComparing(s -> s.claim().object().name())
          .thenComparing(s -> s.claim().object().kind());

  private final List<RouteSource> sources;

  SourceMerger(List<RouteSource> sources) {
    this.sources = List.copyOf(sources);
  }

  boolean hasSynced() {
    for (RouteSource s : sources) {
      if (!s.hasSynced()) {
        return false;
      }
    }
    return true;
  }

  /** Asks every source for what it routes now. */
  Pass collect() {
    List<List<SourcedRoutes>> wanted = new ArrayList<>(sources.size());
    for (RouteSource s : sources) {
      wanted.add(List.copyOf(s.routes()));
    }
    return new Pass(wanted);
  }

  /** One pass's sourced routes, as collected. */
  final class Pass {
    private final List<List<SourcedRoutes>> wanted;

    private Pass(List<List<SourcedRoutes>> wanted) {
      this.wanted = wanted;
    }

    /** Every sourced claim, to decide together with the Services' ones. */
    List<HostOwnership.Claim> claims() {
      List<HostOwnership.Claim> out = new ArrayList<>();
      for (List<SourcedRoutes> list : wanted) {
        for (SourcedRoutes s : list) {
          out.add(s.claim());
        }
      }
      return out;
    }

    /** {@code ownership} deciding over the sourced claims too: give it to the assembler. */
    HostOwnership ownership(HostOwnership ownership) {
      return empty() ? ownership : ownership.withClaims(claims());
    }

    /** True when no source routes anything: the Services' hosts are the whole snapshot. */
    boolean isEmpty() {
      return empty();
    }

    private boolean empty() {
      for (List<SourcedRoutes> list : wanted) {
        if (!list.isEmpty()) {
          return false;
        }
      }
      return true;
    }

    /**
     * The Services' hosts and the sourced hosts, sorted by name; reports each source's refusals.
     *
     * @param serviceHosts the assembled Service hosts (they never share a host with a sourced one:
     *     one kind of object per host)
     * @param serviceRoutes the routes {@code serviceHosts} were assembled from
     * @param ownership what {@link #ownership} returned
     */
    List<HostSpec> merge(
        List<HostSpec> serviceHosts, List<ServiceRoute> serviceRoutes, HostOwnership ownership) {
      if (empty()) {
        report(Map.of());
        return serviceHosts;
      }
      return merge(serviceHosts, ownership.decide(ServiceClaims.of(serviceRoutes)));
    }

    private List<HostSpec> merge(List<HostSpec> serviceHosts, HostOwnership.Decision decision) {
      List<SourcedRoutes> all = new ArrayList<>();
      Map<HostOwnership.ObjectRef, String> refused = new HashMap<>();
      for (List<SourcedRoutes> list : wanted) {
        for (SourcedRoutes s : list) {
          HostOwnership.Refusal r = decision.refusal(s.claim().object());
          if (r != null) {
            refused.putIfAbsent(s.claim().object(), r.message());
          } else {
            all.add(s);
          }
        }
      }
      all.sort(OLDEST_FIRST);
      // An object refused on one host is left out on all; refusing may free a slot another
      // object's route had lost, hence the loop (it ends: each turn refuses one more object).
      Map<String, List<RouteSpec>> hosts;
      while (true) {
        hosts = new TreeMap<>();
        HostOwnership.ObjectRef bad = null;
        String why = null;
        Map<String, Set<RouteSpec>> taken = new HashMap<>();
        for (SourcedRoutes s : all) {
          if (refused.containsKey(s.claim().object())) {
            continue;
          }
          String host = s.claim().host();
          List<RouteSpec> routes = hosts.computeIfAbsent(host, h -> new ArrayList<>());
          Set<RouteSpec> matches = taken.computeIfAbsent(host, h -> new HashSet<>());
          List<RouteSpec> added = new ArrayList<>();
          for (RouteSpec route : s.routes()) {
            if (matches.add(matchOf(route))) {
              added.add(unstamped(route));
            }
          }
          List<RouteSpec> candidate = new ArrayList<>(routes);
          candidate.addAll(added);
          String problem = problemOf(host, candidate);
          if (problem != null) {
            bad = s.claim().object();
            why = problem;
            break;
          }
          routes.addAll(added);
        }
        if (bad == null) {
          break;
        }
        refused.put(bad, why);
      }
      List<HostSpec> out = new ArrayList<>(serviceHosts);
      for (Map.Entry<String, List<RouteSpec>> e : hosts.entrySet()) {
        if (!e.getValue().isEmpty()) {
          out.add(new HostSpec(e.getKey(), e.getValue()));
        }
      }
      out.sort(Comparator.comparing(HostSpec::host));
      report(refused);
      return List.copyOf(out);
    }

    private void report(Map<HostOwnership.ObjectRef, String> refused) {
      for (int i = 0; i < sources.size(); i++) {
        Map<HostOwnership.ObjectRef, String> mine = new LinkedHashMap<>();
        for (SourcedRoutes s : wanted.get(i)) {
          String why = refused.get(s.claim().object());
          if (why != null) {
            mine.put(s.claim().object(), why);
          }
        }
        sources.get(i).refused(mine);
      }
    }
  }

  /** What a route matches, without what it does: two routes with equal matches conflict. */
  static RouteSpec matchOf(RouteSpec r) {
    return new RouteSpec(
        SnapshotValidator.normalizePrefix(r.path()),
        null,
        r.exactPath() ? RouteSpec.EXACT : RouteSpec.PATH_PREFIX,
        r.method(),
        r.headers(),
        r.queryParams(),
        null);
  }

  private static RouteSpec unstamped(RouteSpec route) {
    List<VersionSpec> versions = new ArrayList<>(route.versions().size());
    for (VersionSpec v : route.versions()) {
      versions.add(v.drainingSince() == null ? v : v.withDrainingSince(null));
    }
    return route.withVersions(versions);
  }

  /** The validator's first complaint about {@code routes} as one host, or null. */
  private static String problemOf(String host, Collection<RouteSpec> routes) {
    if (routes.isEmpty()) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    SnapshotValidator.validateHosts(
        List.of(new HostSpec(host, List.copyOf(routes))), "host " + host, problems);
    return problems.isEmpty() ? null : problems.get(0);
  }
}
