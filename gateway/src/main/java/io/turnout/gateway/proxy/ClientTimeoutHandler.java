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
 * <p>One lazily re-armed timer per connection, not one per deadline: a state change only moves
 * {@code deadlineNanos}, and the timer, when it fires early, re-arms itself for what is left
 * (Netty's {@code IdleStateHandler} does the same). Scheduling and cancelling a task at every state
 * change cost three queue inserts and three removals per request on the event loop; now a busy
 * keep-alive connection touches the scheduler about once per header timeout. Example with a 10 s
 * header and 60 s keep-alive timeout: the first byte at t=0 arms a timer for t=10; requests at
 * t=1..9 only move the deadline; at t=10 the timer finds the deadline (say t=19, the last request's
 * first byte + 10 s, or none while waiting for the next request: keep-alive until t=69) still ahead
 * and re-arms for it.
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
  private long timerDueNanos; // when the armed timer runs; meaningful while timer != null
  private long deadlineNanos; // when the current deadline expires; meaningful while armed
  private boolean armed;
  private boolean headerDeadline; // which deadline: true header read, false keep-alive
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
    armed = false; // the timer, if any, finds nothing to do and lapses
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

  private void schedule(long nanos, boolean header) {
    long now = ctx.executor().ticker().nanoTime();
    long deadline = now + nanos;
    if (timer != null && timerDueNanos - deadline > 0) {
      // Rare: the armed timer (a keep-alive wait) would run after this sooner deadline.
      timer.cancel(false);
      timer = null;
    }
    deadlineNanos = deadline;
    headerDeadline = header;
    armed = true;
    if (timer == null) {
      arm(now, nanos);
    } // else the armed timer runs first and re-arms for the rest
  }

  private void arm(long now, long nanos) {
    timerDueNanos = now + nanos;
    timer = ctx.executor().schedule(this::onTimer, nanos, TimeUnit.NANOSECONDS);
  }

  private void onTimer() {
    timer = null;
    if (!armed || !ctx.channel().isActive()) {
      return;
    }
    long now = ctx.executor().ticker().nanoTime();
    long left = deadlineNanos - now;
    if (left > 0) {
      arm(now, left);
      return;
    }
    armed = false;
    fire(headerDeadline);
  }

  private void fire(boolean headerDeadline) {
    if (headerDeadline && state == State.RECEIVING_HEAD) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (!headerDeadline && state == State.AWAITING_REQUEST) {
      ctx.close();
    }
  }

  private void cancel() {
    armed = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
