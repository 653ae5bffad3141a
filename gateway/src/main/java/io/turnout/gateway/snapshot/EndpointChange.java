package io.turnout.gateway.snapshot;

import java.util.List;

/**
 * The new endpoint list of one version, in a {@link SnapshotDelta}: everything else about the
 * version, its route and its host stays as it was.
 *
 * @param host the host's name exactly as in {@link HostSpec#host()}
 * @param path the route's path exactly as in {@link RouteSpec#path()}
 * @param version the version's name
 * @param endpoints the version's whole endpoint list after the change
 */
public record EndpointChange(
    String host, String path, String version, List<EndpointSpec> endpoints) {
  public EndpointChange {
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }
}
