package io.turnout.gateway.config;

import java.time.Duration;

/**
 * Graceful shutdown on SIGTERM.
 *
 * @param drainDelay how long the gateway keeps serving after readiness fails, so the load balancer
 *     stops sending new connections (default 5s)
 * @param timeout how long in-flight requests may take to finish after the listener closes (default
 *     30s)
 */
public record ShutdownSettings(Duration drainDelay, Duration timeout) {
  public static final ShutdownSettings DEFAULTS = new ShutdownSettings(null, null);

  public ShutdownSettings {
    drainDelay = drainDelay == null ? Duration.ofSeconds(5) : drainDelay;
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
  }
}
