package io.turnout.gateway.source;

/**
 * Who decides when a version started draining, which depends on where the routes come from.
 *
 * <p>A config file says nothing about time, so a file-fed gateway stamps a version itself when it
 * sees it stop serving. A controller stamps each such version with a wall-clock {@code
 * drainingSince} in the snapshot; the whole fleet then agrees, including a gateway started in the
 * middle of a drain, which has no history of its own to go by.
 */
public enum DrainAuthority {
  /**
   * File mode: a version is stamped when this gateway sees it stop serving, and a version that
   * leaves the snapshot while serving or draining stays as a weight-0 "ghost" with its last
   * endpoints until its drain runs out.
   */
  GATEWAY_HISTORY,

  /**
   * Controller mode: serving, draining and dark follow from the snapshot's {@code drainingSince}
   * and the wall clock only; nothing is remembered from earlier snapshots, and only endpoints the
   * snapshot lists are ever used (no ghosts).
   */
  SNAPSHOT_STAMPS
}
