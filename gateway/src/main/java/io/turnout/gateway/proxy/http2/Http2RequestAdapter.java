package io.turnout.gateway.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Makes a stream's request look to the proxy exactly like an HTTP/1.1 request off the wire: a head,
 * then body pieces, then a last piece. A request that ended with its HEADERS frame comes from the
 * stream codec as one {@link FullHttpRequest}; it is split into its head and its (empty) end. The
 * codec's own {@code x-http2-*} headers are dropped: they describe this hop, not the request.
 *
 * <p>What the stream codec already does: {@code :authority} becomes {@code Host}, several {@code
 * cookie} headers are joined with "; " (RFC 9113 8.2.3), a body without {@code content-length} is
 * marked chunked so it streams to the upstream as such, and connection-specific headers are refused
 * by the HTTP/2 header validation.
 *
 * <p>Confined to the stream's event loop (the connection's).
 */
public final class Http2RequestAdapter extends ChannelInboundHandlerAdapter {
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      dropHopHeaders(req.headers());
    }
    if (msg instanceof FullHttpRequest full) {
      HttpRequest head =
          new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      DefaultLastHttpContent end =
          new DefaultLastHttpContent(full.content(), full.trailingHeaders());
      ctx.fireChannelRead(head);
      ctx.fireChannelRead(end);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private static void dropHopHeaders(HttpHeaders h) {
    for (HttpConversionUtil.ExtensionHeaderNames name :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      h.remove(name.text());
    }
  }
}
