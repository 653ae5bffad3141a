package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One release of an app (blue, green, ...) and the endpoints that run it.
 *
 * @param name version name, unique within its route
 * @param weight share of new clients relative to the other versions of the route (default 0); 0
 *     means the version takes no new clients (it drains, then goes dark)
 * @param endpoints the pods (address and port) running this version
 * @param drainingSince wall-clock time (epoch milliseconds) at which this version stopped serving,
 *     stamped by the controller so that every gateway replica agrees on the drain; {@code null}
 *     when the version serves, is dark from the start, or the source (a config file) leaves drain
 *     to the gateway's own clock
 * @param mirror percentage (0..100) of the route's requests copied to this version; the copies'
 *     answers are discarded (0, the default, mirrors nothing)
 */
public record VersionSpec(
    String name,
    int weight,
    List<EndpointSpec> endpoints,
    @JsonInclude(JsonInclude.Include.NON_NULL) Long drainingSince,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int mirror) {
  public VersionSpec {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  public VersionSpec(String name, int weight, List<EndpointSpec> endpoints) {
    this(name, weight, endpoints, null, 0);
  }

  /** This version with another drain stamp and every other field kept. */
  public VersionSpec withDrainingSince(Long stamp) {
    return new VersionSpec(name, weight, endpoints, stamp, mirror);
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
