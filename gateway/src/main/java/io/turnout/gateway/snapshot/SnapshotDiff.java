package io.turnout.gateway.snapshot;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Computes the {@link SnapshotDelta} between two snapshots.
 *
 * <p>A host whose routes, versions and every other field are unchanged, and whose versions differ
 * only in their endpoint lists, becomes one {@link EndpointChange} per such version; any other
 * change ships the host whole. Example: {@code shop} loses a pod of {@code blue} (one change), and
 * {@code cart}'s weight moves (cart whole).
 *
 * <p>Pure function. Cost: one equality walk of both snapshots, short-circuited per host when the
 * host is the same object or equal.
 */
public final class SnapshotDiff {
  private SnapshotDiff() {}

  /** The delta from {@code from} to {@code to}, without a checksum. */
  public static SnapshotDelta between(Snapshot from, Snapshot to) {
    Map<String, HostSpec> before = new HashMap<>(from.hosts().size() * 2);
    for (HostSpec h : from.hosts()) {
      before.put(h.host(), h);
    }
    List<HostSpec> hosts = new ArrayList<>();
    List<EndpointChange> endpoints = new ArrayList<>();
    for (HostSpec h : to.hosts()) {
      HostSpec old = before.remove(h.host());
      if (old == null) {
        hosts.add(h);
      } else if (!old.equals(h) && !endpointChanges(old, h, endpoints)) {
        hosts.add(h);
      }
    }
    List<String> removed = new ArrayList<>(before.keySet());
    removed.sort(null);
    return new SnapshotDelta(to.version(), from.version(), null, hosts, removed, endpoints);
  }

  /**
   * The delta between two snapshots that differ at most in the hosts named in {@code changed}: what
   * the controller's stream uses, at a cost proportional to the change rather than the snapshot.
   * Same result as {@link #between} for such snapshots.
   *
   * @param before the hosts of snapshot {@code from}, by name
   * @param changed host name -> its form in snapshot {@code to}, or null when {@code to} has no
   *     such host
   */
  public static SnapshotDelta changes(
      long from, long to, Map<String, HostSpec> before, Map<String, HostSpec> changed) {
    List<String> names = new ArrayList<>(changed.keySet());
    names.sort(null);
    List<HostSpec> hosts = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<EndpointChange> endpoints = new ArrayList<>();
    for (String name : names) {
      HostSpec old = before.get(name);
      HostSpec now = changed.get(name);
      if (now == null) {
        if (old != null) {
          removed.add(name);
        }
      } else if (old == null) {
        hosts.add(now);
      } else if (!old.equals(now) && !endpointChanges(old, now, endpoints)) {
        hosts.add(now);
      }
    }
    return new SnapshotDelta(to, from, null, hosts, removed, endpoints);
  }

  /**
   * Adds to {@code out} the endpoint changes that turn {@code old} into {@code now} and returns
   * true, or returns false (adding nothing) when more than endpoints differ.
   */
  static boolean endpointChanges(HostSpec old, HostSpec now, List<EndpointChange> out) {
    if (!RecordFields.equalExcept(old, now, "routes")
        || old.routes().size() != now.routes().size()) {
      return false;
    }
    if (sharesAPath(now)) {
      return false; // an EndpointChange names its route by path: ambiguous, send the host whole
    }
    List<EndpointChange> found = new ArrayList<>();
    for (int r = 0; r < old.routes().size(); r++) {
      RouteSpec ro = old.routes().get(r);
      RouteSpec rn = now.routes().get(r);
      if (!RecordFields.equalExcept(ro, rn, "versions")
          || ro.versions().size() != rn.versions().size()) {
        return false;
      }
      for (int v = 0; v < ro.versions().size(); v++) {
        VersionSpec vo = ro.versions().get(v);
        VersionSpec vn = rn.versions().get(v);
        if (vo.equals(vn)) {
          continue;
        }
        if (!RecordFields.equalExcept(vo, vn, "endpoints")) {
          return false;
        }
        if (!Objects.equals(vo.endpoints(), vn.endpoints())) {
          found.add(new EndpointChange(now.host(), rn.path(), vn.name(), vn.endpoints()));
        }
      }
    }
    out.addAll(found);
    return true;
  }

  /**
   * True when two routes of {@code host} have the same path (told apart by their other matches).
   */
  private static boolean sharesAPath(HostSpec host) {
    java.util.Set<String> paths = new java.util.HashSet<>();
    for (RouteSpec r : host.routes()) {
      if (!paths.add(r.path())) {
        return true;
      }
    }
    return false;
  }
}
