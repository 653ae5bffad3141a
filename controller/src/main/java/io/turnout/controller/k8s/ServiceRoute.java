package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.EndpointSpec;
import java.time.Instant;
import java.util.List;

/**
 * What one Service contributes to the snapshot: one version of the route {@code path} on each of
 * its {@code hosts}.
 *
 * @param key {@code namespace/name} of the Service
 * @param created the Service's creationTimestamp (null if unknown): the oldest claim on a host
 *     decides which namespace owns it ({@link HostOwnership})
 * @param hosts {@linkplain io.turnout.gateway.snapshot.HostNames normalised} host names (exact or
 *     {@code *.suffix} wildcards), sorted, distinct
 * @param path normalized path prefix ({@code /api/} becomes {@code /api})
 * @param version version name
 * @param weight the annotated weight (0 when absent)
 * @param weighted true when the Service has a {@code turnout.io/weight} annotation (an explicit
 *     {@code "0"} is dark; equal shares need a route where no Service has one)
 * @param live false for a deleted Service kept only so that gateways can drain it
 * @param endpoints ready endpoints (pod IP and target port), sorted, distinct
 * @param portName the Service port's name ("" when unnamed), to find the target port in slices
 * @param mirror the annotated mirror percentage (0..100; 0 when absent)
 */
public record ServiceRoute(
    String key,
    Instant created,
    List<String> hosts,
    String path,
    String version,
    int weight,
    boolean weighted,
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
      Instant created,
      List<String> hosts,
      String path,
      String version,
      int weight,
      boolean weighted,
      boolean live,
      List<EndpointSpec> endpoints,
      String portName) {
    this(key, created, hosts, path, version, weight, weighted, live, endpoints, portName, 0);
  }

  /**
   * This route after its Service was deleted: weight 0, no longer takes part in equal shares, no
   * longer mirrored.
   */
  public ServiceRoute asDeleted() {
    return new ServiceRoute(
        key, created, hosts, path, version, 0, weighted, false, endpoints, portName, 0);
  }

  /** The same route with other endpoints. */
  public ServiceRoute withEndpoints(List<EndpointSpec> newEndpoints) {
    return new ServiceRoute(
        key, created, hosts, path, version, weight, weighted, live, newEndpoints, portName, mirror);
  }
}
