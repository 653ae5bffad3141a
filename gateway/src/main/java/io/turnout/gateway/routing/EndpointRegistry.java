package io.turnout.gateway.routing;

import io.turnout.gateway.snapshot.EndpointSpec;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one {@link UpstreamEndpoint} per address across snapshots, so in-flight counts and
 * ejections outlive a weight change.
 *
 * <p>Thread-safe; written by the snapshot-applying thread only.
 */
public final class EndpointRegistry {
  private final Map<Key, UpstreamEndpoint> byAddress = new ConcurrentHashMap<>();

  UpstreamEndpoint endpointFor(EndpointSpec spec) {
    // A snapshot of 5,000 Services names ~50,000 endpoints on every apply: a lock-free get and
    // a small key record keep that walk cheap (no string building, no bin locks when present).
    Key key = new Key(spec.address(), spec.port());
    UpstreamEndpoint existing = byAddress.get(key);
    if (existing != null) {
      return existing;
    }
    return byAddress.computeIfAbsent(key, k -> new UpstreamEndpoint(spec));
  }

  void retainOnly(Set<UpstreamEndpoint> used) {
    byAddress.values().removeIf(e -> !used.contains(e));
  }

  public Collection<UpstreamEndpoint> all() {
    return byAddress.values();
  }

  private record Key(String address, int port) {}
}
