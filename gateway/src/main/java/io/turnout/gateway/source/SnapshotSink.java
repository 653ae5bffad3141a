package io.turnout.gateway.source;

import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import java.util.Map;

/**
 * Where a {@link SnapshotSource} delivers snapshots. The sink validates each one whole and swaps it
 * in; an invalid one is logged, counted ({@code turnout_snapshot_rejected_total}) and dropped while
 * the last good snapshot keeps serving.
 *
 * <p>Thread-safe; may be called from any thread. It never blocks on the request path.
 */
public interface SnapshotSink {
  /**
   * Offers a snapshot.
   *
   * @param snapshot the new routes
   * @param origin where it came from, for logs ({@code file /etc/turnout.yaml}, {@code controller
   *     http://...})
   * @return true when it was applied, false when it was rejected
   */
  boolean offer(Snapshot snapshot, String origin);

  /**
   * Offers the state reached by one or more deltas. A sink that can apply only the touched hosts
   * does so; the default offers the whole snapshot.
   *
   * @param next the whole new state
   * @param hosts the same state's hosts by name
   * @param touched the hosts the deltas touched (present or removed), true when only their
   *     endpoints changed
   * @return true when it was applied, false when it was rejected
   */
  default boolean offerChange(
      Snapshot next, Map<String, HostSpec> hosts, Map<String, Boolean> touched, String origin) {
    return offer(next, origin);
  }

  /** Reports a snapshot that could not even be parsed; counts it as rejected. */
  void reject(String origin, String reason);

  /**
   * Reports whether the controller's snapshot stream is up ({@code turnout_controller_connected});
   * only a controller-backed source calls it, so a gateway run from a file has no such gauge.
   */
  default void controllerConnected(boolean connected) {}
}
