package io.turnout.gateway.routing.match;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.QueryParamMatchSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.SnapshotValidator;
import java.util.ArrayList;
import java.util.List;

/**
 * What a route matches, compiled from a validated {@link RouteSpec}: its path and its other
 * conditions (method, headers, query parameters), all of which must hold. A route with no condition
 * (the common case) costs one path test. Immutable.
 */
public final class RouteMatch {
  private static final RequestCondition[] NONE = new RequestCondition[0];

  private final PathMatch path;
  private final RequestCondition[] conditions;
  private final boolean hasMethod;
  private final int headerCount;
  private final int queryCount;
  private final String key;

  private RouteMatch(
      PathMatch path,
      RequestCondition[] conditions,
      boolean hasMethod,
      int headerCount,
      int queryCount,
      String key) {
    this.path = path;
    this.conditions = conditions;
    this.hasMethod = hasMethod;
    this.headerCount = headerCount;
    this.queryCount = queryCount;
    this.key = key;
  }

  /** Compiles the match of a validated route: names lower-cased, regular expressions compiled. */
  public static RouteMatch compile(RouteSpec rs) {
    PathMatch path =
        rs.exactPath()
            ? new ExactPathMatch(rs.path())
            : new PathPrefixMatch(SnapshotValidator.normalizePrefix(rs.path()));
    List<RequestCondition> conditions = new ArrayList<>();
    if (rs.method() != null) {
      conditions.add(new MethodMatch(rs.method()));
    }
    for (HeaderMatchSpec h : rs.headers()) {
      conditions.add(new HeaderMatch(h.name(), h.type(), h.value()));
    }
    for (QueryParamMatchSpec q : rs.queryParams()) {
      conditions.add(new QueryParamMatch(q.name(), q.type(), q.value()));
    }
    return new RouteMatch(
        path,
        conditions.isEmpty() ? NONE : conditions.toArray(NONE),
        rs.method() != null,
        rs.headers().size(),
        rs.queryParams().size(),
        SnapshotValidator.matchKey(rs));
  }

  /** A path-prefix match with no other condition. */
  public static RouteMatch prefix(String prefix) {
    return compile(new RouteSpec(prefix, List.of()));
  }

  /** True when the request matches the path and every condition. Allocation-free without query. */
  public boolean matches(HttpMethod method, String uri, HttpHeaders headers) {
    if (!path.matches(uri)) {
      return false;
    }
    for (RequestCondition c : conditions) {
      if (!c.matches(method, uri, headers)) {
        return false;
      }
    }
    return true;
  }

  public PathMatch path() {
    return path;
  }

  public boolean hasMethod() {
    return hasMethod;
  }

  public int headerCount() {
    return headerCount;
  }

  public int queryCount() {
    return queryCount;
  }

  /**
   * The route's identity within its host ({@link SnapshotValidator#matchKey}): two routes of a host
   * never share it, and a route keeps it across snapshots while its match is unchanged, which is
   * how drain state carries over.
   */
  public String key() {
    return key;
  }
}
