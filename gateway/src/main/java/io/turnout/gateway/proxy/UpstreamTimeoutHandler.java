package io.turnout.gateway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The timeouts of the exchange an upstream connection carries, watched from inside its pipeline
 * (between the codec and {@link UpstreamConnection}, so it sees the messages going each way):
 *
 * <ul>
 *   <li>{@code upstream.readTimeout}: the gap between bytes from the upstream while the gateway is
 *       reading, from the request's end (or the response's start) to the response's end. Time the
 *       exchange has paused reading (auto-read off because the client is full) does not count: the
 *       clock restarts when reading resumes, which Netty signals as a {@code read()} passing
 *       through here.
 *   <li>{@code upstream.sendTimeout}: request body bytes queued for an upstream whose socket takes
 *       none of them (the channel is unwritable and {@link OutboundProgress} shows nothing
 *       leaving).
 * </ul>
 *
 * When one runs out it fires an {@link UpstreamTimeout} event, which {@link UpstreamConnection}
 * hands to the exchange: 504 before the response head, a cut after it.
 *
 * <p>Between exchanges, from {@link #pooled} until the next request is written, it times {@code
 * upstream.idleTimeout} and then fires {@link #IDLE_IN_POOL}, on which the connection closes. (It
 * replaces a Netty {@code IdleStateHandler}, which took two clock reads and a write listener per
 * message to time what is only ever timed between exchanges.)
 *
 * <p>Cost: per message a timestamp (reads) or nothing (writes); one {@link LazyTimer} per
 * connection, armed about once per timeout period while exchanges run. The response-head deadline
 * ({@code upstream.responseTimeout}) stays with the exchange.
 *
 * <p>Confined to the connection's event loop.
 */
final class UpstreamTimeoutHandler extends ChannelDuplexHandler {
  static final String NAME = "timeouts";

  /** Fired when the connection sat in the pool for the idle timeout: close it. */
  static final Object IDLE_IN_POOL = new Object();

  private final long readNanos;
  private final long sendNanos;
  private final long idleNanos;
  private final OutboundProgress progress = new OutboundProgress();
  private ChannelHandlerContext ctx;
  private LazyTimer timer;
  private boolean active; // an exchange runs on this connection
  private boolean reading; // ... and the gateway is waiting for response bytes
  private boolean interim; // the response head read is a 1xx other than 101: its end is not the end
  private long lastReadNanos; // last byte, or when reading (re)started
  private long stalledSince; // request bytes queued and none taken since; 0: none
  private long pooledSince; // in the pool since; 0: lent (or not yet pooled)

  /**
   * @param readNanos {@code upstream.readTimeout}, 0 for none
   * @param sendNanos {@code upstream.sendTimeout}, 0 for none
   * @param idleNanos {@code upstream.idleTimeout} (in the pool), 0 for none
   */
  UpstreamTimeoutHandler(long readNanos, long sendNanos, long idleNanos) {
    this.readNanos = readNanos;
    this.sendNanos = sendNanos;
    this.idleNanos = idleNanos;
  }

  /** The connection went (back) into the pool: the idle timeout runs from now. */
  void pooled() {
    pooledSince = timer.now();
    if (idleNanos > 0) {
      timer.runBy(pooledSince + idleNanos);
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.timer = new LazyTimer(ctx.executor(), this::check);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof HttpRequest) {
      pooledSince = 0;
      active = true;
      reading = false;
      interim = false;
      stalledSince = 0;
    }
    if (msg instanceof LastHttpContent && active && !reading) {
      startReading(); // the request is complete: the upstream's turn
    }
    ctx.write(msg, promise);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (active) {
      if (!reading) {
        startReading(); // the upstream answers before the request is complete
      } else {
        lastReadNanos = timer.now();
      }
      if (msg instanceof HttpResponse res) {
        int code = res.status().code();
        interim = code >= 100 && code < 200 && code != 101;
      }
      if (msg instanceof LastHttpContent) {
        if (interim) {
          interim = false;
        } else {
          // The response is complete. Were the request not, the exchange closes this connection.
          reading = false;
          active = false;
        }
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void read(ChannelHandlerContext ctx) {
    if (reading) {
      // Reading (re)starts now: after a pause for a full client, the silence counts from here.
      // With auto-read on this also follows every read batch; the timer is armed then, so runBy
      // is one comparison.
      lastReadNanos = timer.now();
      if (readNanos > 0) {
        timer.runBy(lastReadNanos + readNanos);
      }
    }
    ctx.read();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (active && sendNanos > 0) {
      if (ctx.channel().isWritable()) {
        stalledSince = 0;
      } else if (stalledSince == 0) {
        stalledSince = timer.now();
        progress.mark(ctx.channel());
        timer.runBy(stalledSince + sendNanos / 4);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    timer.cancel();
    active = false;
    ctx.fireChannelInactive();
  }

  private void startReading() {
    reading = true;
    lastReadNanos = timer.now();
    if (readNanos > 0) {
      timer.runBy(lastReadNanos + readNanos);
    }
  }

  private void check() {
    if (!ctx.channel().isActive()) {
      return;
    }
    long now = timer.now();
    if (pooledSince != 0 && idleNanos > 0) {
      if (now - pooledSince >= idleNanos) {
        pooledSince = 0;
        ctx.fireUserEventTriggered(IDLE_IN_POOL);
      } else {
        timer.runBy(pooledSince + idleNanos);
      }
      return;
    }
    if (!active) {
      return;
    }
    long next = Long.MAX_VALUE;
    if (reading && readNanos > 0 && ctx.channel().config().isAutoRead()) {
      long due = lastReadNanos + readNanos;
      if (now - due >= 0) {
        fire(UpstreamTimeout.READ);
        return;
      }
      next = due;
    } // paused: read() restarts the clock and the check below re-arms on the next byte or stall
    if (stalledSince != 0) {
      if (!OutboundProgress.pending(ctx.channel())) {
        stalledSince = 0;
      } else {
        if (progress.advanced(ctx.channel())) {
          stalledSince = now;
        } else if (now - stalledSince >= sendNanos) {
          fire(UpstreamTimeout.SEND);
          return;
        }
        // Progress is seen only when the timer looks: look every quarter period (as
        // ClientSendTimeoutHandler does) so the cut comes at most that late.
        next = Math.min(next, Math.min(stalledSince + sendNanos, now + sendNanos / 4));
      }
    }
    if (next != Long.MAX_VALUE) {
      timer.runBy(next);
    }
  }

  private void fire(UpstreamTimeout what) {
    active = false;
    reading = false;
    ctx.fireUserEventTriggered(what);
  }
}
