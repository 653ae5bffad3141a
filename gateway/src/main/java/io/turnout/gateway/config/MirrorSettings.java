package io.turnout.gateway.config;

import java.time.Duration;

/**
 * Limits on the copies a gateway sends to mirror versions ({@code mirror: PERCENT} on a version).
 * Copies are fire-and-forget: the client's answer never waits for one, and a copy that cannot be
 * sent within these limits is dropped and counted.
 *
 * @param maxInFlight copies outstanding at once, for the whole gateway; a copy beyond is dropped
 *     (reason {@code limit}), so a mirror that hangs costs at most this many connections (default
 *     64)
 * @param timeout the longest a copy may take, connect to last response byte; then it is cut and
 *     counted as dropped (reason {@code timeout}) (default 5s)
 * @param mirrorCredentials whether copies carry the client's {@code Cookie} and {@code
 *     Authorization} headers; off by default so a mirror cannot act as the user (default false)
 */
public record MirrorSettings(Integer maxInFlight, Duration timeout, Boolean mirrorCredentials) {
  public static final MirrorSettings DEFAULTS = new MirrorSettings(null, null, null);

  public MirrorSettings {
    maxInFlight = maxInFlight == null ? 64 : maxInFlight;
    timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    mirrorCredentials = mirrorCredentials == null ? Boolean.FALSE : mirrorCredentials;
  }
}
