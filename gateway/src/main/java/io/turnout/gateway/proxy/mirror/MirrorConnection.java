package io.turnout.gateway.proxy.mirror;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of a connection to a mirror endpoint. While a copy rides it, everything read
 * goes to that {@link MirrorCopy}; while it idles, anything read is unexpected and closes it, as
 * does the idle timeout.
 *
 * <p>Confined to the connection's event loop.
 */
final class MirrorConnection extends ChannelInboundHandlerAdapter {
  private MirrorCopy copy;

  void bind(MirrorCopy c) {
    copy = c;
  }

  void unbind() {
    copy = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    MirrorCopy c = copy;
    if (c != null && msg instanceof HttpObject http) {
      c.onRead(http); // releases it
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    MirrorCopy c = copy;
    copy = null;
    if (c != null) {
      c.onClosed();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && copy == null) {
      ctx.close();
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // resets and decode errors: the copy learns of it in channelInactive
  }
}
