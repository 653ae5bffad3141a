package io.turnout.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the streams of one HTTP/2 connection, in place of Netty's multiplexer: it sits behind the
 * frame codec and hands each stream's frames to that stream's {@link Http2StreamDownstream}, which
 * runs the stream's {@link Exchange} right on the connection's pipeline. The connection-wide parts
 * are here once: who the client is, the upstream pool, the timer of every stream's response
 * deadline.
 *
 * <p>From the codec it takes HEADERS and DATA frames (a first HEADERS frame opens a stream's
 * exchange, a later one carries its trailers), and the codec's stream events: a stream's
 * writability changed (the codec's flow controller reports the socket's writability this way too),
 * or it closed (ended both ways, reset by either side, or its connection gone). Other frames are
 * the codec's business (SETTINGS, PING and WINDOW_UPDATE are answered there; a client's RST_STREAM
 * closes the stream) and are dropped here; other events pass on to {@code Http2ConnectionGuard}.
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2StreamDispatcher extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2StreamDispatcher.class);
  private final ProxyContext proxy;
  private final IntObjectHashMap<Http2StreamDownstream> streams = new IntObjectHashMap<>();
  private ChannelHandlerContext ctx;
  private Http2Connection http2;
  private ClientAddress address;
  private UpstreamPool pool;
  private LazyTimer responseClock; // made on first use

  Http2StreamDispatcher(ProxyContext proxy) {
    this.proxy = proxy;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.http2 = ctx.pipeline().get(Http2FrameCodec.class).connection();
    this.address = ClientAddress.of(ctx.channel(), proxy);
    this.pool = proxy.pool(ctx.channel().eventLoop());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof Http2HeadersFrame) && !(msg instanceof Http2DataFrame)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    Http2FrameStream stream = ((Http2StreamFrame) msg).stream();
    Http2StreamDownstream s = streams.get(stream.id());
    if (s == null && msg instanceof Http2DataFrame data) {
      data.release(); // a stream this side already ended; the codec returns its window
      return;
    }
    try {
      if (s == null) {
        s = new Http2StreamDownstream(this, ctx, stream);
        streams.put(stream.id(), s);
        s.onRequestHeaders((Http2HeadersFrame) msg);
      } else if (msg instanceof Http2HeadersFrame trailers) {
        s.onRequestTrailers(trailers);
      } else {
        s.onRequestData((Http2DataFrame) msg);
      }
    } catch (RuntimeException e) {
      failed(s, stream.id(), e);
    }
  }

  /** A bug met while running one stream ends that stream, not every stream of the connection. */
  private void failed(Http2StreamDownstream s, int id, RuntimeException e) {
    log.warn("HTTP/2 stream {} of {} failed", id, ctx.channel().remoteAddress(), e);
    s.abort();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2FrameStreamEvent e) {
      Http2FrameStream stream = e.stream();
      Http2StreamDownstream s = streams.get(stream.id());
      if (s == null) {
        return;
      }
      if (e.type() == Http2FrameStreamEvent.Type.Writability) {
        s.onWritabilityChanged();
      } else if (stream.state() == Http2Stream.State.CLOSED) {
        streams.remove(stream.id());
        s.onClosed();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!streams.isEmpty()) {
      for (Http2StreamDownstream s : streams.values().toArray(new Http2StreamDownstream[0])) {
        s.onClosed();
      }
      streams.clear();
    }
    if (responseClock != null) {
      responseClock.cancel();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof Http2FrameStreamException) {
      return; // the codec reset that stream already; its close event ends the exchange
    }
    ctx.fireExceptionCaught(cause);
  }

  // ---------------------------------------------------------------- what streams share

  ProxyContext proxy() {
    return proxy;
  }

  ClientAddress address() {
    return address;
  }

  UpstreamPool pool() {
    return pool;
  }

  /** The codec's state of stream {@code id}, or null once it is gone. */
  Http2Stream codecStream(int id) {
    return http2.stream(id);
  }

  /** Whether stream {@code id} may send now: its window, the connection's and the socket's. */
  boolean isWritable(int id) {
    Http2Stream s = http2.stream(id);
    return s != null && http2.remote().flowController().isWritable(s);
  }

  /**
   * One timer for the response-head deadlines of every stream on the connection, as an HTTP/1.1
   * connection has one for its requests in turn: when it runs, each stream's exchange checks its
   * deadline and asks for the next run by the nearest one still ahead.
   */
  LazyTimer responseClock() {
    if (responseClock == null) {
      responseClock =
          new LazyTimer(
              ctx.executor(),
              () -> {
                for (Http2StreamDownstream s :
                    streams.values().toArray(new Http2StreamDownstream[0])) {
                  s.checkResponseDeadline();
                }
              });
    }
    return responseClock;
  }
}
