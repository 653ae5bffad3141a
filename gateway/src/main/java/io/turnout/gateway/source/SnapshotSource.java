package io.turnout.gateway.source;

/**
 * Something that produces routing snapshots over time: the watched config file, or the controller's
 * stream. Implementations do their I/O off the event loops.
 */
public interface SnapshotSource extends AutoCloseable {
  /** Starts delivering snapshots to {@code sink}; returns without waiting for the first one. */
  void start(SnapshotSink sink);

  /** Who decides when a version of these snapshots started draining. */
  default DrainAuthority drainAuthority() {
    return DrainAuthority.GATEWAY_HISTORY;
  }

  /** Stops delivering; idempotent. */
  @Override
  void close();
}
