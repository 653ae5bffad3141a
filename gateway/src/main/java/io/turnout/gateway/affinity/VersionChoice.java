package io.turnout.gateway.affinity;

import io.turnout.gateway.routing.VersionTarget;

/**
 * The outcome of {@link VersionChooser#choose}: which version, why, and whether the response must
 * set the pin cookie. Mutable and reused for every request of one client connection, so the
 * decision allocates nothing.
 *
 * <p>Confined to the connection's event loop.
 */
public final class VersionChoice {
  VersionTarget target;
  VersionTarget previous;
  ChoiceReason reason;
  int bucket;
  boolean setCookie;

  /** The chosen version, or null when no version can take the request (503). */
  public VersionTarget target() {
    return target;
  }

  /** The version the client was pinned to before a repin, or null. */
  public VersionTarget previous() {
    return previous;
  }

  public ChoiceReason reason() {
    return reason;
  }

  public int bucket() {
    return bucket;
  }

  /** True when the response must carry a new pin cookie. */
  public boolean setCookie() {
    return setCookie;
  }

  void reset() {
    target = null;
    previous = null;
    reason = null;
    bucket = -1;
    setCookie = false;
  }
}
