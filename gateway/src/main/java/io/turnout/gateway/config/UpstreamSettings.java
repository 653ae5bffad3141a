package io.turnout.gateway.config;

import java.time.Duration;

/**
 * How the gateway talks to endpoints.
 *
 * @param connectTimeout time to open a TCP connection to an endpoint (default 2s)
 * @param responseTimeout time from the request's last byte sent to the response's headers; 0 means
 *     no limit (default 60s). Exceeded: 504
 * @param idleTimeout a pooled keep-alive connection unused this long is closed (default 60s)
 * @param maxConnectionsPerEndpoint connections to one endpoint from one event loop; requests beyond
 *     wait for a free one (default 1024)
 */
public record UpstreamSettings(
    Duration connectTimeout,
    Duration responseTimeout,
    Duration idleTimeout,
    Integer maxConnectionsPerEndpoint) {
  public static final UpstreamSettings DEFAULTS = new UpstreamSettings(null, null, null, null);

  public UpstreamSettings {
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
    responseTimeout = responseTimeout == null ? Duration.ofSeconds(60) : responseTimeout;
    idleTimeout = idleTimeout == null ? Duration.ofSeconds(60) : idleTimeout;
    maxConnectionsPerEndpoint =
        maxConnectionsPerEndpoint == null ? 1024 : maxConnectionsPerEndpoint;
  }
}
