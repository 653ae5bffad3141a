package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Client-side timers, placed before the HTTP codec so it sees raw bytes:
 *
 * <ul>
 *   <li>waiting for a request with no byte of it yet: the keep-alive timeout (the header read
 *       timeout for a connection's first request), then a silent close;
 *   <li>once a request's first byte arrived, its headers must be complete within the header read
 *       timeout, else {@code 408} and close. A slowloris client trickling header bytes is cut off
 *       at that deadline whatever its pace.
 * </ul>
 *
 * While a request is being proxied the exchange's own timeouts apply instead.
 *
 * <p>Confined to the connection's event loop.
 */
final class ClientTimeoutHandler extends ChannelInboundHandlerAdapter {
  private static final String TIMEOUT_BODY =
      "408 Request Timeout: request headers not received within the limit\n";
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: "
              + TIMEOUT_BODY.length()
              + "\r\nConnection: close\r\n\r\n"
              + TIMEOUT_BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private enum State {
    AWAITING_REQUEST,
    RECEIVING_HEAD,
    PROXYING
  }

  private final long headerTimeoutNanos;
  private final long keepAliveNanos;
  private ChannelHandlerContext ctx;
  private State state = State.AWAITING_REQUEST;
  private ScheduledFuture<?> timer;
  private boolean firstRequest = true;

  ClientTimeoutHandler(long headerTimeoutNanos, long keepAliveNanos) {
    this.headerTimeoutNanos = headerTimeoutNanos;
    this.keepAliveNanos = keepAliveNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitingNextRequest();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.AWAITING_REQUEST && msg instanceof ByteBuf buf && buf.isReadable()) {
      state = State.RECEIVING_HEAD;
      schedule(headerTimeoutNanos, true);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  /** The codec delivered a request head: the exchange's timeouts take over. */
  void requestHeadReceived() {
    firstRequest = false;
    state = State.PROXYING;
    cancel();
  }

  /** The previous exchange ended and the connection stays open for another request. */
  void awaitingNextRequest() {
    state = State.AWAITING_REQUEST;
    schedule(firstRequest ? headerTimeoutNanos : keepAliveNanos, false);
  }

  /** The connection left HTTP (WebSocket): no more request timers. */
  void disable() {
    state = State.PROXYING;
    cancel();
  }

  private void schedule(long nanos, boolean headerDeadline) {
    cancel();
    timer = ctx.executor().schedule(() -> fire(headerDeadline), nanos, TimeUnit.NANOSECONDS);
  }

  private void fire(boolean headerDeadline) {
    timer = null;
    if (headerDeadline && state == State.RECEIVING_HEAD) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (!headerDeadline && state == State.AWAITING_REQUEST) {
      ctx.close();
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
