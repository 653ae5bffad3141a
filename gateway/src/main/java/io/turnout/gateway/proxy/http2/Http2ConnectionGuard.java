package io.turnout.gateway.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnout.gateway.config.Http2Settings;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection-level duties of an HTTP/2 client connection, behind the stream dispatcher:
 *
 * <ul>
 *   <li>widens the connection's receive window to what its streams may hold together, so one stream
 *       whose upstream is slow does not stall the others (each stream keeps its own window,
 *       refilled only as its body is read on demand);
 *   <li>closes a connection that has had no open stream for the keep-alive timeout (GOAWAY first);
 *   <li>at shutdown ({@code isCloseIdle}) closes gracefully: GOAWAY with the last stream id, open
 *       streams finish, then the connection closes (Netty's graceful close);
 *   <li>counts the connections the gateway sent GOAWAY with an error to: the limits in {@link
 *       Http2Connections} end abusive connections that way.
 * </ul>
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2ConnectionGuard extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Http2ConnectionGuard.class);
  private static final int MAX_CONNECTION_WINDOW = 16 * 1024 * 1024;

  private final Http2FrameCodec codec;
  private final Http2Settings settings;
  private final long idleNanos;
  private final Predicate<Object> isCloseIdle;
  private final Consumer<String> onAbuse;
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> idleTimer;
  private long idleSinceNanos;

  Http2ConnectionGuard(
      Http2FrameCodec codec,
      Http2Settings settings,
      long idleNanos,
      Predicate<Object> isCloseIdle,
      Consumer<String> onAbuse) {
    this.codec = codec;
    this.settings = settings;
    this.idleNanos = idleNanos;
    this.isCloseIdle = isCloseIdle;
    this.onAbuse = onAbuse;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    idleSinceNanos = System.nanoTime();
    codec
        .connection()
        .addListener(
            new Http2ConnectionAdapter() {
              @Override
              public void onStreamActive(Http2Stream stream) {
                idleSinceNanos = 0;
              }

              @Override
              public void onStreamClosed(Http2Stream stream) {
                if (codec.connection().numActiveStreams() == 0) {
                  idleSinceNanos = System.nanoTime();
                }
              }

              @Override
              public void onGoAwaySent(
                  int lastStreamId, long errorCode, io.netty.buffer.ByteBuf debugData) {
                if (errorCode != Http2Error.NO_ERROR.code()) {
                  Http2Error error = Http2Error.valueOf(errorCode);
                  String name = error == null ? "unknown" : error.name().toLowerCase(Locale.ROOT);
                  log.debug(
                      "GOAWAY {} to {}: {}",
                      name,
                      ctx.channel().remoteAddress(),
                      debugData.toString(java.nio.charset.StandardCharsets.UTF_8));
                  onAbuse.accept(name);
                }
              }
            });
    long window =
        Math.min(
            (long) settings.maxConcurrentStreams() * settings.initialWindowSize(),
            MAX_CONNECTION_WINDOW);
    int delta = (int) (window - io.netty.handler.codec.http2.Http2CodecUtil.DEFAULT_WINDOW_SIZE);
    if (delta > 0) {
      ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(delta));
    }
    scheduleIdleCheck(idleNanos);
  }

  private void scheduleIdleCheck(long delayNanos) {
    idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void checkIdle() {
    idleTimer = null;
    if (!ctx.channel().isActive()) {
      return;
    }
    long since = idleSinceNanos;
    long left = since == 0 ? idleNanos : idleNanos - (System.nanoTime() - since);
    if (left <= 0) {
      ctx.channel().close(); // GOAWAY, then close: no stream is open
      return;
    }
    scheduleIdleCheck(left);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (isCloseIdle.test(evt)) {
      ctx.channel().close(); // graceful: GOAWAY, open streams finish first
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The codec already answered a protocol error (RST_STREAM or GOAWAY); anything else is an
    // I/O error on the socket.
    log.debug("HTTP/2 connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    if (!(cause instanceof io.netty.handler.codec.http2.Http2Exception)) {
      ctx.close();
    }
  }
}
