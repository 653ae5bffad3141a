package io.turnout.gateway.proxy;

import io.netty.channel.Channel;

/**
 * {@code limits.tunnelIdleTimeout}: closes both sides of a WebSocket tunnel (after its 101) that
 * moved no byte in either direction for that long, so a silent socket does not hold an upstream
 * connection and an app worker for ever. Both {@link RawRelayHandler}s of the tunnel share one
 * instance: a read on either side only stores a timestamp, and one {@link LazyTimer} re-arms for
 * what is left of the period (once an hour for a busy tunnel with the default).
 *
 * <p>Confined to the event loop the two channels share.
 */
final class TunnelIdleTimeout {
  private final Channel client;
  private final Channel upstream;
  private final long timeoutNanos;
  private final LazyTimer timer;
  private long lastActivityNanos;

  TunnelIdleTimeout(Channel client, Channel upstream, long timeoutNanos) {
    this.client = client;
    this.upstream = upstream;
    this.timeoutNanos = timeoutNanos;
    this.timer = new LazyTimer(client.eventLoop(), this::check);
  }

  /** Starts the clock; does nothing when the timeout is 0 (no limit). */
  void start() {
    if (timeoutNanos > 0) {
      lastActivityNanos = timer.now();
      timer.runBy(lastActivityNanos + timeoutNanos);
      client.closeFuture().addListener(f -> timer.cancel());
    }
  }

  /** Bytes moved (either way). */
  void touch() {
    lastActivityNanos = timer.now();
  }

  private void check() {
    if (!client.isActive() && !upstream.isActive()) {
      return;
    }
    long due = lastActivityNanos + timeoutNanos;
    if (timer.now() - due >= 0) {
      client.close();
      upstream.close();
    } else {
      timer.runBy(due);
    }
  }
}
