package io.turnout.gateway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * {@code limits.sendTimeout}: resets a client connection whose socket has taken none of the bytes
 * queued for it for that long. Closing it ends the exchange, whose upstream connection is then
 * closed, not pooled ({@link ProxyFrontendHandler#channelInactive}): a client that stops reading a
 * large response no longer holds an upstream connection and an app worker forever. The same holds
 * for a WebSocket peer that stops reading, and for the gateway's own last answer waiting behind a
 * close that a non-reading client would otherwise never let complete.
 *
 * <p>Cost: a flush that the socket took whole costs one field read. A flush that leaves bytes
 * queued starts the clock and arms the connection's one {@link LazyTimer} if it is not armed; the
 * timer, when it runs, looks at the outbound buffer ({@link OutboundProgress}): nothing queued any
 * more, the clock stops and the timer lapses; bytes were taken since the last look, the clock
 * restarts; else, once the clock reaches the limit, the connection is reset. While bytes stay
 * queued it looks every quarter period, so a client reading slowly through a large response costs
 * four timer runs per period, and one that stops reading is cut between one and one and a quarter
 * periods after the socket last took a byte.
 *
 * <p>"Took a byte" is what the gateway can see: the kernel's send buffer accepting more. A client
 * that reads slowly frees that buffer slowly, and the kernel wakes the writer only once a good part
 * of it is free; a client reading less than about a third of the send buffer (some MiB on Linux)
 * per period looks stalled. nginx's {@code send_timeout} measures the same way.
 *
 * <p>Confined to the connection's event loop.
 */
final class ClientSendTimeoutHandler extends ChannelDuplexHandler {
  private final long timeoutNanos;
  private final OutboundProgress progress = new OutboundProgress();
  private LazyTimer timer;
  private ChannelHandlerContext ctx;
  private long
      stalledSince; // when bytes were last seen queued without the socket taking any; 0: none

  ClientSendTimeoutHandler(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.timer = new LazyTimer(ctx.executor(), this::check);
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    ctx.flush();
    if (stalledSince == 0 && OutboundProgress.pending(ctx.channel())) {
      startClock();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      // Drained below the low water mark: the client read. Whatever is still queued starts anew.
      stalledSince = 0;
      if (OutboundProgress.pending(ctx.channel())) {
        startClock();
      }
    } else if (stalledSince == 0) {
      startClock();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.cancel();
    ctx.fireChannelInactive();
  }

  private void startClock() {
    stalledSince = timer.now();
    progress.mark(ctx.channel());
    timer.runBy(stalledSince + timeoutNanos / 4);
  }

  private void check() {
    if (stalledSince == 0 || !ctx.channel().isActive()) {
      return;
    }
    if (!OutboundProgress.pending(ctx.channel())) {
      stalledSince = 0; // all taken; the next flush that leaves bytes queued starts the clock
      return;
    }
    long now = timer.now();
    if (progress.advanced(ctx.channel())) {
      stalledSince = now;
    } else if (now - stalledSince >= timeoutNanos) {
      AbortiveClose.reset(ctx.channel());
      return;
    }
    // Look again within a quarter period: progress is only seen when the timer looks, so the
    // last read is known to within that, and the cut comes at most a quarter period late.
    timer.runBy(Math.min(stalledSince + timeoutNanos, now + timeoutNanos / 4));
  }
}
