package io.turnout.gateway.routing;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.routing.filter.RouteFilters;
import io.turnout.gateway.routing.match.RouteMatch;
import java.util.List;

/**
 * A route ready for the request path: what it matches, its filters, its versions (including ones
 * kept only to drain) and the bucket mapping over the serving ones. Immutable.
 */
public final class CompiledRoute {
  private final RouteMatch match;
  private final RouteFilters filters;
  private final int order;
  private final VersionTarget[] versions;
  private final BucketMapping mapping;
  private final VersionTarget[] mirrors;

  /**
   * @param order the route's position in its host's list, the last tie-breaker of {@link
   *     RoutePrecedence}
   */
  CompiledRoute(
      RouteMatch match,
      RouteFilters filters,
      int order,
      List<VersionTarget> versions,
      BucketMapping mapping) {
    this.match = match;
    this.filters = filters;
    this.order = order;
    this.versions = versions.toArray(new VersionTarget[0]);
    this.mapping = mapping;
    this.mirrors =
        versions.stream()
            .filter(v -> v.inSnapshot() && v.mirrorPercent() > 0)
            .toArray(VersionTarget[]::new);
  }

  /**
   * The route's path as configured and normalised: its prefix (no trailing slash unless {@code /}),
   * or its exact path.
   */
  public String prefix() {
    return match.path().path();
  }

  public RouteMatch match() {
    return match;
  }

  /** What the route does to a request and its response besides proxying; usually none. */
  public RouteFilters filters() {
    return filters;
  }

  int order() {
    return order;
  }

  public BucketMapping mapping() {
    return mapping;
  }

  public List<VersionTarget> versions() {
    return List.of(versions);
  }

  /**
   * The versions that receive a copy of a share of this route's requests ({@code mirror > 0});
   * usually empty. Never modify the array.
   */
  public VersionTarget[] mirrors() {
    return mirrors;
  }

  /** The version with this name, or null. */
  public VersionTarget version(String name) {
    for (VersionTarget v : versions) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    return null;
  }

  /**
   * The version whose name equals {@code s[start, end)}, or null; allocation-free, for cookie
   * parsing on the request path.
   */
  public VersionTarget version(CharSequence s, int start, int end) {
    int len = end - start;
    for (VersionTarget v : versions) {
      String name = v.name();
      if (name.length() == len && regionEquals(name, s, start)) {
        return v;
      }
    }
    return null;
  }

  private static boolean regionEquals(String name, CharSequence s, int start) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) != s.charAt(start + i)) {
        return false;
      }
    }
    return true;
  }

  /** True when the request matches this route's path and every one of its conditions. */
  boolean matches(HttpMethod method, String uri, HttpHeaders headers) {
    return match.matches(method, uri, headers);
  }
}
