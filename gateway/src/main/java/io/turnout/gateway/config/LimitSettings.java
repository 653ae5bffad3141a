package io.turnout.gateway.config;

import java.time.Duration;

/**
 * Limits on what clients may send, and how long they may take.
 *
 * @param maxUriLength longest request line; longer gets 414 (default 8192)
 * @param maxHeaderSize total size of the request headers; larger gets 431 (default 16384)
 * @param maxBodySize largest request body in bytes; larger gets 413. 0 means no limit (default)
 * @param headerReadTimeout time to receive a request's headers once it started; exceeded gets 408
 *     (default 10s)
 * @param keepAliveTimeout an idle client connection between requests is closed after this (default
 *     60s)
 * @param maxConnections concurrent client connections; more are closed at accept (default 10000)
 * @param bodyReadTimeout longest wait for the next piece of a request body while the gateway is
 *     ready to read it; exceeded gets 408, or a close once the response began (default 30s)
 * @param allowUnderscoresInHeaders keep request headers whose name contains {@code _}; by default
 *     they are dropped (as nginx does), so an app that reads {@code X_Forwarded_For} and {@code
 *     X-Forwarded-For} as one variable cannot be fed a forged one (default false)
 * @param sendTimeout longest a client may leave response bytes unread: the gateway has data queued
 *     for the client and the client's socket takes none of it for this long (checked every quarter
 *     period, so the cut comes at most a quarter period late). Then the client connection is reset
 *     and the upstream connection closed, never returned to the pool. 0 means no limit (default
 *     60s)
 * @param tunnelIdleTimeout a WebSocket (after its 101) with no byte in either direction for this
 *     long is closed on both sides. 0 means no limit (default 1h)
 */
public record LimitSettings(
    Integer maxUriLength,
    Integer maxHeaderSize,
    Long maxBodySize,
    Duration headerReadTimeout,
    Duration keepAliveTimeout,
    Integer maxConnections,
    Duration bodyReadTimeout,
    Boolean allowUnderscoresInHeaders,
    Duration sendTimeout,
    Duration tunnelIdleTimeout) {
  public static final LimitSettings DEFAULTS =
      new LimitSettings(null, null, null, null, null, null, null, null, null, null);

  public LimitSettings {
    maxUriLength = maxUriLength == null ? 8192 : maxUriLength;
    maxHeaderSize = maxHeaderSize == null ? 16384 : maxHeaderSize;
    maxBodySize = maxBodySize == null ? 0L : maxBodySize;
    headerReadTimeout = headerReadTimeout == null ? Duration.ofSeconds(10) : headerReadTimeout;
    keepAliveTimeout = keepAliveTimeout == null ? Duration.ofSeconds(60) : keepAliveTimeout;
    maxConnections = maxConnections == null ? 10_000 : maxConnections;
    bodyReadTimeout = bodyReadTimeout == null ? Duration.ofSeconds(30) : bodyReadTimeout;
    allowUnderscoresInHeaders = allowUnderscoresInHeaders != null && allowUnderscoresInHeaders;
    sendTimeout = sendTimeout == null ? Duration.ofSeconds(60) : sendTimeout;
    tunnelIdleTimeout = tunnelIdleTimeout == null ? Duration.ofHours(1) : tunnelIdleTimeout;
  }
}
