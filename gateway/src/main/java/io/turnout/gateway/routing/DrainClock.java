package io.turnout.gateway.routing;

import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.snapshot.VersionSpec;
import io.turnout.gateway.source.DrainAuthority;

/**
 * How {@link RoutingTableCompiler} learns when a version that does not serve now stopped serving,
 * on the {@link System#nanoTime()} scale that {@link VersionTarget#state} compares against. One
 * implementation per {@link DrainAuthority}.
 *
 * <p>Called only on the thread that compiles snapshots.
 */
interface DrainClock {
  /**
   * @param spec the version as the snapshot has it (it does not serve now), or null for one that
   *     left the snapshot
   * @param previous the same version in the previous table, or null
   * @return when it stopped serving (never 0), or 0 when it is dark
   */
  long stoppedServingAt(
      VersionSpec spec, VersionTarget previous, AffinityPolicy policy, long nowNanos);

  /** True when a version that left the snapshot stays as a weight-0 ghost while it drains. */
  boolean keepsGhosts();

  static DrainClock of(DrainAuthority authority) {
    return authority == DrainAuthority.SNAPSHOT_STAMPS
        ? new SnapshotDrainStamps(System::currentTimeMillis)
        : new GatewayDrainHistory();
  }
}
