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
 * more, the clock stops; bytes were taken since the last look, the clock restarts; else, once the
 * clock reaches the limit, the connection is reset. A client reading steadily through a large
 * response thus costs one timer run per period, and a client that never reads again is cut between
 * one and two periods after its last read (exactly one when it never read at all).
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
    timer.runBy(stalledSince + timeoutNanos);
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
    timer.runBy(stalledSince + timeoutNanos);
  }
}
