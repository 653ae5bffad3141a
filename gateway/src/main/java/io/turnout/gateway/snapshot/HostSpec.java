package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.AssetSettings;
import java.util.List;

/**
 * A virtual host: an exact name ({@code shop.example.com}), a wildcard ({@code *.example.com}) or
 * the catch-all {@code *}.
 *
 * @param host the name as configured; compared case-insensitively
 * @param routes path-prefix routes; the longest matching prefix wins
 * @param affinity per-host overrides of the global affinity settings, or {@code null}
 * @param assets per-host overrides of the global asset skew guard settings, or {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HostSpec(
    String host, List<RouteSpec> routes, AffinitySettings affinity, AssetSettings assets) {
  public HostSpec {
    routes = routes == null ? List.of() : List.copyOf(routes);
  }

  public HostSpec(String host, List<RouteSpec> routes, AffinitySettings affinity) {
    this(host, routes, affinity, null);
  }

  public HostSpec(String host, List<RouteSpec> routes) {
    this(host, routes, null, null);
  }

  /** This host with other routes and every other field kept (so no new field is dropped). */
  public HostSpec withRoutes(List<RouteSpec> newRoutes) {
    return new HostSpec(host, newRoutes, affinity, assets);
  }
}
