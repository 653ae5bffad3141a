package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.HostSpec;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The assembled, drain-stamped hosts kept between rebuilds, so a change re-assembles only the hosts
 * it can reach instead of all of them.
 *
 * <p>What a change can reach: every rule of {@link SnapshotAssembler} (host ownership, one owner
 * per slot, equal shares) and of {@link DrainLedger} looks only at the Services that claim the same
 * host, and a Service is refused or accepted as a whole over all its hosts. So the hosts and
 * Services connected through shared claims form a closed group: assembling that group alone gives
 * exactly what a whole assembly gives for its hosts. A changed Service's group is found from its
 * hosts before and after the change ({@link #groupOf}). Example: {@code shop-green}'s weight moves;
 * its group is {@code shop.example.com} with {@code shop-blue} and {@code shop-green}, two routes
 * out of 5,000, and only that host is compared and published.
 *
 * <p>{@link #assembleAll} is the whole assembly, for the first build, after a failure and to verify
 * the kept state now and then ({@code CoalescingReconciler}).
 *
 * <p>Owned by the reconciler thread.
 */
final class HostAssembly {
  /**
   * What a rebuild would change, not yet applied.
   *
   * @param changed host name -> its new form, or null when it goes; only hosts that differ
   * @param conflicts the conflicts of the Services in scope (all of them for a whole assembly)
   * @param scope the Services assembled (null: all)
   */
  record Outcome(
      Map<String, HostSpec> changed, Map<String, Rejection> conflicts, Set<String> scope) {
    boolean whole() {
      return scope == null;
    }
  }

  private final HostOwnership ownership;
  private final DrainLedger drains;

  private final TreeMap<String, HostSpec> hosts = new TreeMap<>();
  private final Map<String, Rejection> conflicts = new HashMap<>();
  // Which Services claim each host, and the hosts each Service was indexed under.
  private final Map<String, Set<String>> claimants = new HashMap<>();
  private final Map<String, List<String>> claimed = new HashMap<>();

  HostAssembly(HostOwnership ownership, DrainLedger drains) {
    this.ownership = ownership;
    this.drains = drains;
  }

  /** The hosts, sorted by name. */
  List<HostSpec> hosts() {
    return List.copyOf(hosts.values());
  }

  Map<String, HostSpec> hostsByName() {
    return hosts;
  }

  /** Services left out because of another Service or namespace, by key. */
  Map<String, Rejection> conflicts() {
    return conflicts;
  }

  /**
   * Re-indexes {@code keys} from their current routes ({@code routeOf}: null when the Service no
   * longer takes part) and re-assembles the group they reach.
   *
   * @param previousVersion the version of the last published snapshot
   */
  Outcome assembleTouched(
      Collection<String> keys, Function<String, ServiceRoute> routeOf, long previousVersion) {
    Set<String> start = new TreeSet<>();
    for (String key : keys) {
      List<String> before = claimed.remove(key);
      if (before != null) {
        start.addAll(before);
        for (String host : before) {
          Set<String> c = claimants.get(host);
          c.remove(key);
          if (c.isEmpty()) {
            claimants.remove(host);
          }
        }
      }
      ServiceRoute route = routeOf.apply(key);
      if (route != null) {
        index(route);
        start.addAll(route.hosts());
      }
    }
    Set<String> groupHosts = new HashSet<>();
    Set<String> groupKeys = new TreeSet<>(keys);
    groupOf(start, groupHosts, groupKeys);
    List<ServiceRoute> routes = new ArrayList<>(groupKeys.size());
    for (String key : groupKeys) {
      ServiceRoute r = routeOf.apply(key);
      if (r != null) {
        routes.add(r);
      }
    }
    SnapshotAssembler.Result assembled = SnapshotAssembler.assemble(routes, ownership);
    Map<String, Rejection> found = byKey(assembled.conflicts());
    List<HostSpec> stamped =
        drains.stamp(assembled.hosts(), hosts, previousVersion, routes, found.keySet());
    Map<String, HostSpec> next = new HashMap<>();
    for (HostSpec h : stamped) {
      next.put(h.host(), h);
    }
    Map<String, HostSpec> changed = new TreeMap<>();
    for (String host : groupHosts) {
      HostSpec now = next.get(host);
      if (!Objects.equals(hosts.get(host), now)) {
        changed.put(host, now);
      }
    }
    return new Outcome(changed, found, groupKeys);
  }

  /**
   * Assembles and stamps every route, re-indexing them all, with what other sources route.
   *
   * @param previousVersion the version of the last published snapshot, or -1 after a start
   */
  Outcome assembleAll(
      Collection<ServiceRoute> routes, long previousVersion, SourceMerger.Pass sourced) {
    claimants.clear();
    claimed.clear();
    for (ServiceRoute r : routes) {
      index(r);
    }
    // Other sources (Gateway API, Ingress) take part in host ownership and add their hosts.
    HostOwnership owners = sourced.ownership(ownership);
    SnapshotAssembler.Result assembled = SnapshotAssembler.assemble(routes, owners);
    Map<String, Rejection> found = byKey(assembled.conflicts());
    List<HostSpec> merged = sourced.merge(assembled.hosts(), new ArrayList<>(routes), owners);
    List<HostSpec> stamped = drains.stamp(merged, hosts, previousVersion, routes, found.keySet());
    Map<String, HostSpec> changed = new TreeMap<>();
    Set<String> gone = new HashSet<>(hosts.keySet());
    for (HostSpec h : stamped) {
      gone.remove(h.host());
      if (!h.equals(hosts.get(h.host()))) {
        changed.put(h.host(), h);
      }
    }
    for (String host : gone) {
      changed.put(host, null);
    }
    return new Outcome(changed, found, null);
  }

  /** Makes {@code o} the kept state. */
  void apply(Outcome o) {
    if (o.whole()) {
      conflicts.clear();
    } else {
      conflicts.keySet().removeAll(o.scope());
    }
    conflicts.putAll(o.conflicts());
    for (Map.Entry<String, HostSpec> e : o.changed().entrySet()) {
      if (e.getValue() == null) {
        hosts.remove(e.getKey());
      } else {
        hosts.put(e.getKey(), e.getValue());
      }
    }
  }

  /**
   * Adds to {@code groupHosts} and {@code groupKeys} every host and Service connected to {@code
   * start} through claims: a Service's hosts, each host's claimants, and so on.
   */
  private void groupOf(Set<String> start, Set<String> groupHosts, Set<String> groupKeys) {
    ArrayDeque<String> queue = new ArrayDeque<>(start);
    groupHosts.addAll(start);
    while (!queue.isEmpty()) {
      String host = queue.poll();
      for (String key : claimants.getOrDefault(host, Set.of())) {
        groupKeys.add(key);
        for (String other : claimed.getOrDefault(key, List.of())) {
          if (groupHosts.add(other)) {
            queue.add(other);
          }
        }
      }
    }
  }

  private void index(ServiceRoute route) {
    claimed.put(route.key(), route.hosts());
    for (String host : route.hosts()) {
      claimants.computeIfAbsent(host, h -> new HashSet<>()).add(route.key());
    }
  }

  private static Map<String, Rejection> byKey(List<Rejection> list) {
    Map<String, Rejection> out = new LinkedHashMap<>();
    for (Rejection r : list) {
      out.put(r.key(), r);
    }
    return out;
  }
}
