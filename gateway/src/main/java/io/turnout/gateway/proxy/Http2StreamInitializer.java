package io.turnout.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.turnout.gateway.proxy.http2.Http2RequestAdapter;

/**
 * Builds each HTTP/2 stream's child channel pipeline: frames become the same request and response
 * objects the HTTP/1.1 codec makes, and the same per-request handlers as on an HTTP/1.1 connection
 * proxy the stream as one exchange over the HTTP/1.1 upstream pools.
 *
 * <pre>
 *   h2-http          Http2StreamFrameToHttpObjectCodec  HEADERS/DATA &lt;-&gt; HttpRequest/HttpContent
 *   h2-request       Http2RequestAdapter                split a body-less request, drop x-http2-*
 *   proxy            ProxyFrontendHandler               as on HTTP/1.1: one message per read
 *                                                       asked for, answers 100-continue
 * </pre>
 *
 * <p>No client timers of its own: the stream exists because its HEADERS frame arrived whole, so
 * there is no head to wait for, and no next request to keep alive; the connection's {@code
 * Http2ConnectionGuard} times the connection, the exchange its body and upstream. (A per-stream
 * timer was one schedule and one cancel per request: 2% of the CPU of the h2 benchmark.)
 *
 * <p>Back-pressure: the stream channel does not auto-read, so a DATA frame is taken (and its bytes
 * given back to the client's flow-control window) only when the proxy asks for the next body piece,
 * which it does while the upstream is writable. Responses: the stream channel is unwritable while
 * the stream's send window or the connection is full, and the proxy pauses the upstream then.
 *
 * <p>Shared: holds no state of its own.
 */
@ChannelHandler.Sharable
final class Http2StreamInitializer extends ChannelInitializer<Channel> {
  private final ProxyContext proxy;

  Http2StreamInitializer(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  protected void initChannel(Channel ch) {
    ch.config().setAutoRead(false);
    ChannelPipeline p = ch.pipeline();
    p.addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true, true));
    p.addLast("h2-request", new Http2RequestAdapter());
    p.addLast("proxy", new ProxyFrontendHandler(proxy, null));
  }
}
