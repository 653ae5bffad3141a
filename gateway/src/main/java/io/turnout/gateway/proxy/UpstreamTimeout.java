package io.turnout.gateway.proxy;

/**
 * Fired down an upstream connection's pipeline by {@link UpstreamTimeoutHandler} when the exchange
 * it carries timed out; {@link UpstreamConnection} hands it to the exchange.
 */
enum UpstreamTimeout {
  /** {@code upstream.readTimeout}: the upstream went silent while the gateway was reading. */
  READ("went silent for longer than the read timeout"),
  /** {@code upstream.sendTimeout}: the upstream stopped taking the request body. */
  SEND("stopped taking the request body");

  private final String description;

  UpstreamTimeout(String description) {
    this.description = description;
  }

  /** What happened, to follow a version name in the answer's reason. */
  String description() {
    return description;
  }
}
