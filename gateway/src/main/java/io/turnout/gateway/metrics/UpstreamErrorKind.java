package io.turnout.gateway.metrics;

import java.util.Locale;

/** The {@code kind} tag of {@code turnout_upstream_errors_total}. */
public enum UpstreamErrorKind {
  /** Connection refused, unreachable, or connect timeout. */
  CONNECT,
  /** No response headers within the response timeout, or an upstream read or send timeout. */
  TIMEOUT,
  /** The connection closed or reset before the response was complete. */
  RESET,
  /** The endpoint sent something that is not valid HTTP. */
  PROTOCOL,
  /** No free connection to the endpoint in time (pool limit reached). */
  POOL;

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tagValue() {
    return tag;
  }
}
