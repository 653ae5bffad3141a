package io.turnout.gateway.snapshot;

import java.util.List;

/**
 * A path-prefix route of a host and the versions that share its traffic.
 *
 * @param path the prefix, starting with {@code /}; {@code /} matches everything. A prefix matches
 *     whole segments: {@code /api} matches {@code /api} and {@code /api/x}, not {@code /apix}
 * @param versions the versions, by name; their weights split new clients
 */
public record RouteSpec(String path, List<VersionSpec> versions) {
  public RouteSpec {
    path = path == null ? "/" : path;
    versions = versions == null ? List.of() : List.copyOf(versions);
  }

  /** This route with other versions and every other field kept. */
  public RouteSpec withVersions(List<VersionSpec> newVersions) {
    return new RouteSpec(path, newVersions);
  }
}
