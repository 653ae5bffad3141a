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
  private final Map<String, UpstreamEndpoint> byAuthority = new ConcurrentHashMap<>();

  UpstreamEndpoint endpointFor(EndpointSpec spec) {
    return byAuthority.computeIfAbsent(spec.authority(), a -> new UpstreamEndpoint(spec));
  }

  void retainOnly(Set<UpstreamEndpoint> used) {
    byAuthority.values().removeIf(e -> !used.contains(e));
  }

  public Collection<UpstreamEndpoint> all() {
    return byAuthority.values();
  }
}
