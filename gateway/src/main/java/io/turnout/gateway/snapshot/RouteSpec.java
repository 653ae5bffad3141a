package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A route of a host: what requests it matches, what it does to them, and the versions that share
 * its traffic. The match follows the Gateway API's HTTPRouteMatch: every condition given must hold.
 *
 * @param path the path to match, starting with {@code /}; {@code /} as a prefix matches everything.
 *     A prefix matches whole segments: {@code /api} matches {@code /api} and {@code /api/x}, not
 *     {@code /apix}
 * @param versions the versions, by name; their weights split new clients
 * @param pathType {@code PathPrefix} (the default, also when {@code null}) or {@code Exact}
 * @param method the request method the route is limited to, or {@code null} for any
 * @param headers request headers that must match, all of them
 * @param queryParams query parameters that must match, all of them
 * @param filters what is done to a matched request or its response, in order
 */
public record RouteSpec(
    String path,
    List<VersionSpec> versions,
    @JsonInclude(JsonInclude.Include.NON_NULL) String pathType,
    @JsonInclude(JsonInclude.Include.NON_NULL) String method,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HeaderMatchSpec> headers,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<QueryParamMatchSpec> queryParams,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RouteFilterSpec> filters) {
  /** The {@link #pathType} that matches a path exactly. */
  public static final String EXACT = "Exact";

  /** The {@link #pathType} that matches whole leading segments (the default). */
  public static final String PATH_PREFIX = "PathPrefix";

  public RouteSpec {
    path = path == null ? "/" : path;
    versions = versions == null ? List.of() : List.copyOf(versions);
    headers = headers == null ? List.of() : List.copyOf(headers);
    queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
    filters = filters == null ? List.of() : List.copyOf(filters);
  }

  /** A path-prefix route with no other condition and no filter. */
  public RouteSpec(String path, List<VersionSpec> versions) {
    this(path, versions, null, null, null, null, null);
  }

  /** True when the path must equal {@link #path} rather than start with it. */
  public boolean exactPath() {
    return EXACT.equals(pathType);
  }

  /** This route with other versions and every other field kept. */
  public RouteSpec withVersions(List<VersionSpec> newVersions) {
    return new RouteSpec(path, newVersions, pathType, method, headers, queryParams, filters);
  }
}
