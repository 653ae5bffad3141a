package io.turnout.gateway.proxy;

/**
 * What the client side does once an exchange has ended, decided by the exchange and carried out in
 * one place, {@link Downstream#afterExchange}. On an HTTP/1.1 connection ({@link
 * ProxyFrontendHandler}) these are keep-alive decisions; an HTTP/2 stream ({@link
 * Http2StreamDownstream}), which carries one request only, ends the stream instead.
 *
 * <p>Immutable; used on the client connection's event loop.
 */
enum AfterExchange {
  /** Keep the connection and read the next request. */
  NEXT_REQUEST,
  /** Keep the connection, but first read and discard the rest of a refused request's body. */
  DISCARD_BODY,
  /** Close once the last write is done: the request was read whole, nothing can be lost. */
  CLOSE,
  /** Close once the last write is done, lingering so unread request bytes cannot reset it. */
  LINGER_CLOSE,
  /** Close now: a response already under way is cut, never passed off as complete. */
  CUT,
  /** Close now with a reset (a timeout cut; see {@link AbortiveClose}). */
  RESET,
  /** Nothing: the client connection is already gone. */
  NOTHING
}
