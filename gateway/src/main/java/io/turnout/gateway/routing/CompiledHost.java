package io.turnout.gateway.routing;

import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.assets.AssetPolicy;
import java.util.Arrays;
import java.util.List;

/**
 * A host ready for the request path: its affinity and asset policies and its routes in {@link
 * RoutePrecedence} order (exact paths, then longest prefix, then the most specific conditions), so
 * the first route that matches is the one the Gateway API's precedence picks. Immutable.
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
    this.routes = routes.toArray(new CompiledRoute[0]);
    Arrays.sort(this.routes, RoutePrecedence.INSTANCE);
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

  /**
   * The route a request goes to, or null: the first in precedence order whose path and conditions
   * all match. Allocation-free unless a route on the way tests a query parameter.
   *
   * @param uri the request target in origin form, query included
   */
  public CompiledRoute route(HttpMethod method, String uri, HttpHeaders headers) {
    for (CompiledRoute r : routes) {
      if (r.matches(method, uri, headers)) {
        return r;
      }
    }
    return null;
  }

  /** The route a header-less {@code GET} of {@code uri} goes to, or null. */
  public CompiledRoute route(String uri) {
    return route(HttpMethod.GET, uri, EmptyHttpHeaders.INSTANCE);
  }

  /** The route with this match key ({@link io.turnout.gateway.routing.match.RouteMatch#key}). */
  CompiledRoute routeWithKey(String key) {
    for (CompiledRoute r : routes) {
      if (r.match().key().equals(key)) {
        return r;
      }
    }
    return null;
  }
}
