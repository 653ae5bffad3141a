package io.turnout.gateway.config;

import java.time.Duration;

/**
 * How the gateway talks to endpoints, and how it reacts when they fail.
 *
 * @param connectTimeout time to open a TCP connection to an endpoint (default 2s)
 * @param responseTimeout time from the request's last byte sent to the response's headers, however
 *     the upstream paces them; 0 means no limit (default 60s). Exceeded: 504. {@code readTimeout}
 *     bounds each silence within that wait as well; before the head, whichever runs out first
 *     answers 504
 * @param idleTimeout a pooled keep-alive connection unused this long is closed (default 60s)
 * @param maxConnectionsPerEndpoint connections to one endpoint from one event loop; requests beyond
 *     wait for a free one (default 1024)
 * @param ejectAfter consecutive failures (connect refused or timed out, connection reset before the
 *     response) that take an endpoint out of rotation; 0 never ejects (default 5)
 * @param ejectionTime how long the first ejection lasts; each ejection that follows without a
 *     success in between lasts twice the one before (default 5s)
 * @param maxEjectionTime the longest an ejection lasts however often it repeats (default 2m, or
 *     {@code ejectionTime} when that is longer)
 * @param retryBudget retries allowed as a fraction of requests, on top of a small reserve, so a
 *     failing version is not sent a multiple of its load; 0 disables retries (default 0.2)
 * @param readTimeout the longest silence from an upstream while the gateway is reading from it:
 *     from the request's last byte sent (or the response's start, if earlier) to the response's
 *     end, not counting time the gateway itself stops reading because the client is not taking the
 *     response. Exceeded before the response head: 504; after it: the client connection is cut
 *     (never a clean end). 0 means no limit (default 60s)
 * @param sendTimeout longest an upstream may leave request body bytes unread (the gateway has body
 *     data queued and the upstream's socket takes none of it). Exceeded: 504 before the response
 *     head, a cut after it; the upstream connection is closed. 0 means no limit (default 60s)
 */
public record UpstreamSettings(
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    Integer maxConnectionsPerEndpoint,
    Integer ejectAfter,
    Duration ejectionTime,
    Duration maxEjectionTime,
    Double retryBudget,
    Duration readTimeout,
    Duration sendTimeout) {
  public static final UpstreamSettings DEFAULTS =
      new UpstreamSettings(null, null, null, null, null, null, null, null, null, null);

  public UpstreamSettings {
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    responseTimeout = responseTimeout == null ? Duration.ofSeconds(60) : responseTimeout;
    idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
    maxConnectionsPerEndpoint =
        maxConnectionsPerEndpoint == null ? 1024 : maxConnectionsPerEndpoint;
    ejectAfter = ejectAfter == null ? 5 : ejectAfter;
    ejectionTime = ejectionTime == null ? Duration.ofSeconds(5) : ejectionTime;
    if (maxEjectionTime == null) {
      Duration twoMinutes = Duration.ofMinutes(2);
      maxEjectionTime = ejectionTime.compareTo(twoMinutes) > 0 ? ejectionTime : twoMinutes;
    }
    retryBudget = retryBudget == null ? 0.2 : retryBudget;
    readTimeout = readTimeout == null ? Duration.ofSeconds(60) : readTimeout;
    sendTimeout = sendTimeout == null ? Duration.ofSeconds(60) : sendTimeout;
  }
}
