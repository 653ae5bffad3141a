package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpObject;

/**
 * Receives what an upstream connection reads while it is bound to one exchange. Called on the
 * connection's event loop, which is also the client connection's.
 */
interface UpstreamListener {
  void upstreamRead(HttpObject msg);

  void upstreamReadComplete();

  void upstreamWritabilityChanged(boolean writable);

  void upstreamClosed();

  /** The exchange ran out of {@code upstream.readTimeout} or {@code upstream.sendTimeout}. */
  void upstreamTimedOut(UpstreamTimeout timeout);
}
