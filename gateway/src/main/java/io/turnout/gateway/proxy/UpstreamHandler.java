package io.turnout.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a pooled upstream connection. While the connection is lent to an exchange it
 * forwards everything to that exchange's {@link UpstreamListener}; while it idles in the pool
 * anything it reads is unexpected (the upstream must not speak unasked), so it closes.
 *
 * <p>Confined to the connection's event loop.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {
  private final UpstreamPool.Slot slot;
  private UpstreamListener listener;
  private int lends;

  UpstreamHandler(UpstreamPool.Slot slot) {
    this.slot = slot;
  }

  UpstreamPool.Slot slot() {
    return slot;
  }

  void bind(UpstreamListener l) {
    this.listener = l;
    lends++;
  }

  /** True when the connection served an earlier exchange (so the upstream may have closed it). */
  boolean reused() {
    return lends > 1;
  }

  void unbind() {
    this.listener = null;
  }

  boolean isBound() {
    return listener != null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l != null && msg instanceof HttpObject http) {
      l.upstreamRead(http);
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.upstreamClosed();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof UpstreamTimeout timeout) {
      UpstreamListener l = listener;
      if (l != null) {
        l.upstreamTimedOut(timeout); // the exchange decides: 504 or a cut; it closes the connection
      } else {
        ctx.close();
      }
      return;
    }
    if (evt instanceof IdleStateEvent && listener == null) {
      ctx.close(); // idle in the pool too long
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and decode errors end the connection; the exchange learns of it in channelInactive.
    ctx.close();
  }
}
