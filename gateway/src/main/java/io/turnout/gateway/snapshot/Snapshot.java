package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One immutable routing snapshot: every host the gateway serves, with its routes, versions and
 * endpoints. This record, serialized as JSON by {@link SnapshotJson}, is the one model shared by
 * the config file, the controller's stream and the admin port's {@code /snapshot}.
 *
 * @param version monotonically increasing number of this snapshot; a newer snapshot has a larger
 *     one
 * @param hosts the hosts, each at most once
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(long version, List<HostSpec> hosts) {
  public Snapshot {
    hosts = hosts == null ? List.of() : List.copyOf(hosts);
  }

  /** The same hosts under another version number. */
  public Snapshot withVersion(long newVersion) {
    return new Snapshot(newVersion, hosts);
  }

  public static Snapshot empty() {
    return new Snapshot(0, List.of());
  }
}
