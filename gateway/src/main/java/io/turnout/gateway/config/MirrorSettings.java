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
 * @param mirrorBodies whether requests with a body (any method) are copied too; off by default,
 *     when only bodiless {@code GET} and {@code HEAD} are, since a copy of a {@code POST} may
 *     repeat its side effect (default false)
 * @param maxBodySize with {@code mirrorBodies}, the largest body in bytes a copy carries; a request
 *     whose {@code Content-Length} is larger, or unknown (chunked), is not copied (default 65536)
 */
public record MirrorSettings(
    Integer maxInFlight,
    Duration timeout,
    Boolean mirrorCredentials,
    Boolean mirrorBodies,
    Long maxBodySize) {
  public static final MirrorSettings DEFAULTS = new MirrorSettings(null, null, null);

  public MirrorSettings {
    maxInFlight = maxInFlight == null ? 64 : maxInFlight;
    timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    mirrorCredentials = mirrorCredentials == null ? Boolean.FALSE : mirrorCredentials;
    mirrorBodies = mirrorBodies == null ? Boolean.FALSE : mirrorBodies;
    maxBodySize = maxBodySize == null ? 65536L : maxBodySize;
  }

  /** Bodiless copies only, as before {@code mirrorBodies} existed. */
  public MirrorSettings(Integer maxInFlight, Duration timeout, Boolean mirrorCredentials) {
    this(maxInFlight, timeout, mirrorCredentials, null, null);
  }
}
