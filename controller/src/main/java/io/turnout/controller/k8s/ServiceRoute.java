package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.EndpointSpec;
import java.util.List;

/**
 * What one Service contributes to the snapshot: one version of the route {@code path} on each of
 * its {@code hosts}.
 *
 * @param key {@code namespace/name} of the Service
 * @param hosts lower-cased host names (exact or {@code *.suffix} wildcards), sorted, distinct
 * @param path normalized path prefix ({@code /api/} becomes {@code /api})
 * @param version version name
 * @param weight the annotated weight (0 when absent)
 * @param live false for a deleted Service kept only so that gateways can drain it
 * @param endpoints ready endpoints (pod IP and target port), sorted, distinct
 * @param portName the Service port's name ("" when unnamed), to find the target port in slices
 * @param mirror the annotated mirror percentage (0..100; 0 when absent)
 */
public record ServiceRoute(
    String key,
    List<String> hosts,
    String path,
    String version,
    int weight,
    boolean live,
    List<EndpointSpec> endpoints,
    String portName,
    int mirror) {
  public ServiceRoute {
    hosts = List.copyOf(hosts);
    endpoints = List.copyOf(endpoints);
  }

  /** A route that mirrors nothing. */
  public ServiceRoute(
      String key,
      List<String> hosts,
      String path,
      String version,
      int weight,
      boolean live,
      List<EndpointSpec> endpoints,
      String portName) {
    this(key, hosts, path, version, weight, live, endpoints, portName, 0);
  }

  /**
   * This route after its Service was deleted: weight 0, no longer takes part in equal shares, no
   * longer mirrored.
   */
  public ServiceRoute asDeleted() {
    return new ServiceRoute(key, hosts, path, version, 0, false, endpoints, portName);
  }

  /** The same route with other endpoints. */
  public ServiceRoute withEndpoints(List<EndpointSpec> newEndpoints) {
    return new ServiceRoute(
        key, hosts, path, version, weight, live, newEndpoints, portName, mirror);
  }
}
