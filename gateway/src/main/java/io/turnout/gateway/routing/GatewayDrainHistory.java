package io.turnout.gateway.routing;

import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.snapshot.VersionSpec;

/**
 * File mode: this gateway's own memory decides. A version that served in the previous table and
 * does not now is stamped with the time of this compile; one that was already stopped keeps its
 * stamp; one never seen serving is dark. Versions that leave the snapshot stay as ghosts.
 *
 * <p>Stateless.
 */
final class GatewayDrainHistory implements DrainClock {
  @Override
  public long stoppedServingAt(
      VersionSpec spec, VersionTarget previous, AffinityPolicy policy, long nowNanos) {
    if (previous == null) {
      return 0; // new and not serving: dark from the start
    }
    if (previous.state(nowNanos, policy.drainTimeoutNanos()) == VersionState.SERVING) {
      return nowNanos == 0 ? 1 : nowNanos;
    }
    return previous.stoppedServingAtNanos();
  }

  @Override
  public boolean keepsGhosts() {
    return true;
  }
}
