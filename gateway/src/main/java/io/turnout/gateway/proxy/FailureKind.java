package io.turnout.gateway.proxy;

import io.turnout.gateway.metrics.UpstreamErrorKind;

/**
 * Every way an exchange can fail, on either side. Each upstream kind maps to the {@link
 * UpstreamErrorKind} it counts as in {@code turnout_upstream_errors_total}; client kinds count
 * nothing there (they show in the status of the request's own metric and access-log line). {@link
 * FailureFunnel} decides what each one does.
 *
 * <p>Immutable; raised on the client connection's event loop.
 */
enum FailureKind {
  /** Connection refused, unreachable, or connect timeout. */
  CONNECT(UpstreamErrorKind.CONNECT),
  /** No free connection to the endpoint within the connect timeout. */
  POOL(UpstreamErrorKind.POOL),
  /** The upstream connection closed or reset before the response was complete. */
  UPSTREAM_CLOSED(UpstreamErrorKind.RESET),
  /** {@code upstream.readTimeout} or {@code upstream.sendTimeout} ran out. */
  UPSTREAM_TIMEOUT(UpstreamErrorKind.TIMEOUT),
  /** No response head within {@code upstream.responseTimeout}. */
  RESPONSE_TIMEOUT(UpstreamErrorKind.TIMEOUT),
  /** The upstream sent something that is not valid HTTP. */
  UPSTREAM_PROTOCOL(UpstreamErrorKind.PROTOCOL),
  /** The request body grew past {@code limits.maxBodySize}. */
  BODY_TOO_LARGE(null),
  /** A chunk size or delimiter the decoder could not read. */
  BODY_MALFORMED(null),
  /** A piece of the request body did not arrive within {@code limits.bodyReadTimeout}. */
  BODY_TIMEOUT(null),
  /** Body bytes arrived while a retry was still waiting for a connection: they cannot be kept. */
  BODY_DURING_RETRY(null),
  /** The client connection closed (or was reset by the send timeout) before the exchange ended. */
  CLIENT_CLOSED(null);

  private final UpstreamErrorKind metric;

  FailureKind(UpstreamErrorKind metric) {
    this.metric = metric;
  }

  /** The upstream error this counts as, or null for a client-side failure. */
  UpstreamErrorKind metric() {
    return metric;
  }
}
