package io.turnout.gateway.snapshot;

import java.util.List;

/**
 * One release of an app (blue, green, ...) and the endpoints that run it.
 *
 * @param name version name, unique within its route
 * @param weight share of new clients relative to the other versions of the route (default 0); 0
 *     means the version takes no new clients (it drains, then goes dark)
 * @param endpoints the pods (address and port) running this version
 */
public record VersionSpec(String name, int weight, List<EndpointSpec> endpoints) {
  public VersionSpec {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** True when at least one endpoint is ready. */
  public boolean hasReadyEndpoint() {
    for (EndpointSpec e : endpoints) {
      if (e.ready()) {
        return true;
      }
    }
    return false;
  }
}
