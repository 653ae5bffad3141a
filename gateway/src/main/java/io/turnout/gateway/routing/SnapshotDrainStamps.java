package io.turnout.gateway.routing;

import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Controller mode: the snapshot's wall-clock {@code drainingSince} decides, so every replica of the
 * fleet agrees, including one started halfway through a drain. The previous table is never
 * consulted and no ghosts are kept: a version without a stamp is dark.
 *
 * <p>The stamp is turned into the {@link System#nanoTime()} scale once, at compile time: a version
 * that stopped 90 s ago on the wall clock is stamped {@code now - 90 s}. From then on it ages on
 * the monotonic clock, so the request path is unchanged and a wall-clock step does not flip a drain
 * on or off. A stamp in the future (the controller's clock ahead of ours) counts as "just now", so
 * it never stretches a drain beyond {@code drainTimeout}.
 *
 * <p>Stateless apart from the clock it reads.
 */
final class SnapshotDrainStamps implements DrainClock {
  /** About 30 years: older stamps are long dark, and the nanosecond arithmetic stays in range. */
  private static final long MAX_ELAPSED_MILLIS = TimeUnit.DAYS.toMillis(365L * 30);

  private final LongSupplier wallClockMillis;

  SnapshotDrainStamps(LongSupplier wallClockMillis) {
    this.wallClockMillis = wallClockMillis;
  }

  @Override
  public long stoppedServingAt(
      VersionSpec spec, VersionTarget previous, AffinityPolicy policy, long nowNanos) {
    Long since = spec.drainingSince();
    if (since == null) {
      return 0;
    }
    long elapsedMillis =
        Math.min(Math.max(0, wallClockMillis.getAsLong() - since), MAX_ELAPSED_MILLIS);
    long stopped = nowNanos - TimeUnit.MILLISECONDS.toNanos(elapsedMillis);
    return stopped == 0 ? 1 : stopped;
  }

  @Override
  public boolean keepsGhosts() {
    return false;
  }
}
