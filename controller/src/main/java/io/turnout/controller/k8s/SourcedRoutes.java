package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.RouteSpec;
import java.util.List;

/**
 * What one object of a {@link RouteSource} (an HTTPRoute, an Ingress) wants on one host: its claim
 * on the host and its routes there, in the object's own order.
 *
 * <p>Several objects may give routes for the same host; when their claims stand (same namespace,
 * same kind, see {@link HostOwnership}) their routes are merged, older objects first, and a route
 * whose match an older object already has is left out (the Gateway API's rule for conflicting
 * rules). A version's {@code drainingSince} is ignored: the controller stamps drains itself.
 *
 * @param claim the object's claim on {@code claim.host()} (the host as the snapshot names it)
 * @param routes the routes, each with matchers, filters and versions
 */
public record SourcedRoutes(HostOwnership.Claim claim, List<RouteSpec> routes) {
  public SourcedRoutes {
    routes = List.copyOf(routes);
  }
}
