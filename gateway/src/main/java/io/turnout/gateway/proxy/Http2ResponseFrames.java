package io.turnout.gateway.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.HttpConversionUtil;

/**
 * Writes the HTTP/1 objects of a response as the frames of one HTTP/2 stream, as Netty's {@code
 * Http2StreamFrameToHttpObjectCodec} does for a child channel: a head becomes a HEADERS frame
 * (connection-specific headers dropped), a body piece a DATA frame, the last piece a DATA frame
 * that ends the stream, or a HEADERS frame of trailers that does. A head with nothing after it (a
 * {@code FullHttpResponse} with no body) ends the stream itself.
 *
 * <p>Stateless.
 */
final class Http2ResponseFrames {
  private Http2ResponseFrames() {}

  /**
   * Writes {@code msg} (not flushed) and takes over its buffer.
   *
   * @return the future of the last frame written
   */
  static ChannelFuture write(ChannelHandlerContext ctx, Http2FrameStream stream, HttpObject msg) {
    if (msg instanceof HttpResponse res) {
      boolean endStream = false;
      if (msg instanceof FullHttpMessage full) {
        endStream = !full.content().isReadable() && full.trailingHeaders().isEmpty();
      }
      ChannelFuture head =
          ctx.write(
              new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(res, true), endStream)
                  .stream(stream));
      if (!(msg instanceof FullHttpMessage full)) {
        return head;
      }
      if (endStream) {
        full.release();
        return head;
      }
      return writeLast(ctx, stream, full, true);
    }
    if (msg instanceof LastHttpContent last) {
      return writeLast(ctx, stream, last, false);
    }
    HttpContent content = (HttpContent) msg;
    return ctx.write(new DefaultHttp2DataFrame(content.content(), false).stream(stream));
  }

  private static ChannelFuture writeLast(
      ChannelHandlerContext ctx, Http2FrameStream stream, LastHttpContent last, boolean afterHead) {
    boolean trailers = !last.trailingHeaders().isEmpty();
    ChannelFuture f = null;
    if (last.content().isReadable() || (!trailers && !afterHead)) {
      f = ctx.write(new DefaultHttp2DataFrame(last.content(), !trailers).stream(stream));
    } else {
      last.content().release();
    }
    if (trailers) {
      f =
          ctx.write(
              new DefaultHttp2HeadersFrame(
                      HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), true), true)
                  .stream(stream));
    }
    return f;
  }
}
