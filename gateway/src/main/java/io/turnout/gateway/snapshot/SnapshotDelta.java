package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The change from snapshot {@code base} to snapshot {@code version}, as the controller streams it
 * to gateways that asked for deltas ({@code event: delta}).
 *
 * <p>Applied in this order: {@code removed} hosts go, {@code hosts} are added or replaced whole,
 * then each of {@code endpoints} replaces one version's endpoint list in place. Hosts and versions
 * travel as whole values, so a field added to {@link HostSpec} or {@link VersionSpec} flows through
 * deltas without a change here.
 *
 * @param version the snapshot version after the change
 * @param base the snapshot version the change applies to; a receiver at another version must not
 *     apply it
 * @param checksum {@link SnapshotChecksum} of the whole state at {@code version}
 * @param hosts hosts added or changed in more than their endpoints, whole
 * @param removed names of hosts that are gone
 * @param endpoints versions whose endpoint lists changed and nothing else
 */
public record SnapshotDelta(
    long version,
    long base,
    String checksum,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<HostSpec> hosts,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> removed,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<EndpointChange> endpoints) {
  public SnapshotDelta {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
    removed = removed == null ? List.of() : List.copyOf(removed);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** True when nothing changed. */
  @JsonIgnore
  public boolean isEmpty() {
    return hosts.isEmpty() && removed.isEmpty() && endpoints.isEmpty();
  }

  /** True when only endpoint lists changed (no weight, version, route or host change). */
  @JsonIgnore
  public boolean endpointsOnly() {
    return hosts.isEmpty() && removed.isEmpty();
  }

  public SnapshotDelta withChecksum(String sum) {
    return new SnapshotDelta(version, base, sum, hosts, removed, endpoints);
  }
}
