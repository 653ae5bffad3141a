package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.turnout.gateway.affinity.VersionChoice;
import io.turnout.gateway.assets.AssetFallback;

/**
 * The client side an {@link Exchange} answers (Envoy's "downstream"): an HTTP/1.1 connection
 * ({@link ProxyFrontendHandler}) or one stream of an HTTP/2 connection ({@code
 * http2.Http2StreamDownstream}). The exchange writes its response here as HTTP/1 objects, asks here
 * for each piece of the request body, and says here what happens once it ends; each side turns that
 * into its own protocol.
 *
 * <p>Confined to the client connection's event loop, as is the exchange.
 */
interface Downstream {

  // ---------------------------------------------------------------- the response

  /** Writes a response head or body piece; sent at the next {@link #flush}. */
  void write(HttpObject msg);

  /** Writes and sends; the future completes once it is written out (or failed). */
  ChannelFuture writeAndFlush(HttpObject msg);

  /** Sends what was written. */
  void flush();

  /** Whether the client takes more response bytes now; {@link Exchange} is told of changes. */
  boolean isWritable();

  ByteBufAllocator alloc();

  EventLoop eventLoop();

  // ---------------------------------------------------------------- the request body

  /** Asks for the next piece of the request body ({@link Exchange#onRequestContent}), timed. */
  void readRequestBody();

  // ---------------------------------------------------------------- the end of an exchange

  /**
   * Carries out what the exchange decided for the client once it ended.
   *
   * @param lastWrite the exchange's last write to the client, or null when it wrote nothing
   */
  void afterExchange(ChannelFuture lastWrite, AfterExchange next);

  /** After a {@code 101} to a WebSocket upgrade: the client leaves HTTP for a byte relay. */
  void switchToRelay(UpstreamConnection up);

  // ---------------------------------------------------------------- what routing reads

  /** The timer of the response-head deadlines of the exchanges run here. */
  LazyTimer responseClock();

  /** The upstream pool of this client's event loop. */
  UpstreamPool pool();

  /** Reused by each exchange run here in turn. */
  VersionChoice choice();

  AssetFallback assetFallback();

  /** Who the client connection is. */
  ClientAddress address();

  /** Whether the client reached the gateway over HTTPS (directly, or per a trusted hop). */
  default boolean isHttps(HttpRequest req) {
    ClientAddress address = address();
    if (address.tls()) {
      return true;
    }
    if (!address.trustedHop()) {
      return false;
    }
    String proto = req.headers().get(HeaderRewriter.X_FORWARDED_PROTO);
    return proto != null && proto.regionMatches(true, 0, "https", 0, 5);
  }
}
