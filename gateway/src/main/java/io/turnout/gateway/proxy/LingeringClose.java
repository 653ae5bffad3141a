package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client connection after the gateway's own answer without losing that answer. Closing a
 * socket that still holds unread request bytes makes the kernel send a reset, and the client's
 * kernel then drops the answer it had received but not yet handed to the application: a client
 * still uploading would see "connection reset" instead of its 413. So, as nginx's lingering close
 * does: send FIN once the answer is written, then read and discard whatever the client still sends
 * until it closes, for at most {@link #LINGER_MILLIS} and {@link #MAX_DISCARD} bytes.
 *
 * <p>Sits first in the pipeline once added, so nothing it discards reaches the codec. Confined to
 * the connection's event loop.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {
  static final long LINGER_MILLIS = 2000;
  static final long MAX_DISCARD = 4L * 1024 * 1024;

  private ScheduledFuture<?> deadline;
  private long discarded;

  private LingeringClose() {}

  /** Closes {@code ch} once {@code lastWrite} is done, lingering as described above. */
  static void closeAfter(ChannelFuture lastWrite) {
    Channel ch = lastWrite.channel();
    lastWrite.addListener(
        f -> {
          if (!f.isSuccess() || !ch.isActive() || !(ch instanceof DuplexChannel duplex)) {
            ch.close();
            return;
          }
          ch.pipeline().addFirst("linger", new LingeringClose());
          duplex.shutdownOutput();
        });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline = ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    ctx.channel().config().setAutoRead(true);
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      discarded += buf.readableBytes();
    }
    ReferenceCountUtil.release(msg);
    if (discarded > MAX_DISCARD) {
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    // Nothing reaches the handlers behind; auto-read keeps the discarding going.
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline.cancel(false);
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      ctx.close(); // the client finished sending: nothing more can be lost
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
