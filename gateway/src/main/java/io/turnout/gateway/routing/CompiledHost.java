package io.turnout.gateway.routing;

import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.assets.AssetPolicy;
import java.util.Comparator;
import java.util.List;

/**
 * A host ready for the request path: its affinity and asset policies and routes, longest prefix
 * first.
 */
public final class CompiledHost {
  private final String name;
  private final AffinityPolicy affinity;
  private final AssetPolicy assets;
  private final CompiledRoute[] routes;

  CompiledHost(
      String name, AffinityPolicy affinity, AssetPolicy assets, List<CompiledRoute> routes) {
    this.name = name;
    this.affinity = affinity;
    this.assets = assets;
    this.routes =
        routes.stream()
            .sorted(Comparator.comparingInt((CompiledRoute r) -> r.prefix().length()).reversed())
            .toArray(CompiledRoute[]::new);
  }

  /** The host as configured; the {@code host} tag of its metrics. */
  public String name() {
    return name;
  }

  public AffinityPolicy affinity() {
    return affinity;
  }

  /** The asset skew guard's settings for this host. */
  public AssetPolicy assets() {
    return assets;
  }

  public List<CompiledRoute> routes() {
    return List.of(routes);
  }

  /** The route with the longest prefix matching {@code path}, or null. */
  public CompiledRoute route(String path) {
    for (CompiledRoute r : routes) {
      if (r.matches(path)) {
        return r;
      }
    }
    return null;
  }

  /** The route with exactly this prefix, or null. */
  CompiledRoute routeWithPrefix(String prefix) {
    for (CompiledRoute r : routes) {
      if (r.prefix().equals(prefix)) {
        return r;
      }
    }
    return null;
  }
}
