package io.turnout.gateway.snapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The routing state a delta-stream client holds: a full snapshot, then every {@link SnapshotDelta}
 * applied to it in turn, with its {@link SnapshotChecksum} kept up to date host by host.
 *
 * <p>Not thread-safe: owned by one thread (the gateway's snapshot-apply thread, or a test's
 * reader). After {@link #apply} throws, the state is undefined and must be replaced by a full
 * snapshot.
 */
public final class StreamState {
  /** A delta that cannot apply to this state, or whose checksum disagrees with it after. */
  public static final class DeltaException extends Exception {
    public DeltaException(String message) {
      super(message);
    }
  }

  private long version;
  private final TreeMap<String, HostSpec> hosts = new TreeMap<>();
  private final SnapshotChecksum checksum;

  private StreamState(Snapshot s) {
    this.version = s.version();
    for (HostSpec h : s.hosts()) {
      hosts.put(h.host(), h);
    }
    this.checksum = SnapshotChecksum.of(s);
  }

  public static StreamState of(Snapshot s) {
    return new StreamState(s);
  }

  public long version() {
    return version;
  }

  public String checksum() {
    return checksum.value();
  }

  /** The hosts by name (read-only view). */
  public Map<String, HostSpec> hosts() {
    return Collections.unmodifiableMap(hosts);
  }

  /** The state as a snapshot, hosts sorted by name (as the controller sends them). */
  public Snapshot snapshot() {
    return new Snapshot(version, new ArrayList<>(hosts.values()));
  }

  /**
   * Applies {@code d} and checks its checksum.
   *
   * @param touched receives each host the delta touched, mapped to true when only its endpoints
   *     changed (and to false once anything else of it changed, even in an earlier delta folded
   *     into the same map)
   * @throws DeltaException when {@code d} applies to another version, names a missing host, route
   *     or version, or leaves a state whose checksum is not {@code d.checksum()}
   */
  public void apply(SnapshotDelta d, Map<String, Boolean> touched) throws DeltaException {
    if (d.base() != version) {
      throw new DeltaException(
          "delta to " + d.version() + " applies to " + d.base() + ", state is at " + version);
    }
    for (String name : d.removed()) {
      hosts.remove(name);
      checksum.remove(name);
      touched.put(name, false);
    }
    for (HostSpec h : d.hosts()) {
      hosts.put(h.host(), h);
      checksum.put(h);
      touched.put(h.host(), false);
    }
    List<String> endpointHosts = new ArrayList<>();
    for (EndpointChange c : d.endpoints()) {
      HostSpec h = hosts.get(c.host());
      if (h == null) {
        throw new DeltaException("endpoint change for unknown host " + c.host());
      }
      hosts.put(c.host(), withEndpoints(h, c));
      endpointHosts.add(c.host());
      touched.putIfAbsent(c.host(), true);
    }
    for (String name : endpointHosts) {
      checksum.put(hosts.get(name));
    }
    version = d.version();
    if (d.checksum() != null && !d.checksum().equals(checksum.value())) {
      throw new DeltaException(
          "checksum of version "
              + version
              + " is "
              + checksum.value()
              + ", the controller's is "
              + d.checksum());
    }
  }

  private static HostSpec withEndpoints(HostSpec h, EndpointChange c) throws DeltaException {
    List<RouteSpec> routes = new ArrayList<>(h.routes());
    for (int r = 0; r < routes.size(); r++) {
      RouteSpec route = routes.get(r);
      if (!route.path().equals(c.path())) {
        continue;
      }
      List<VersionSpec> versions = new ArrayList<>(route.versions());
      for (int v = 0; v < versions.size(); v++) {
        if (versions.get(v).name().equals(c.version())) {
          versions.set(v, RecordFields.with(versions.get(v), "endpoints", c.endpoints()));
          routes.set(r, RecordFields.with(route, "versions", versions));
          return RecordFields.with(h, "routes", routes);
        }
      }
    }
    throw new DeltaException(
        "endpoint change for unknown version " + c.host() + " " + c.path() + " " + c.version());
  }
}
