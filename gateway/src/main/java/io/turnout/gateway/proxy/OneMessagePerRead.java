package io.turnout.gateway.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Hands the next handler exactly one decoded message per {@code read()} it asks for, holding the
 * rest. With auto-read off, one socket read can still decode into several messages (a request head
 * and its empty last chunk, or a pipelined next request); this keeps them until the proxy is ready,
 * which is what makes reading on demand exact.
 *
 * <p>Netty's {@code FlowControlHandler} does the same job; this one exists because its 4.2 read
 * accounting left a request undelivered in our tests (on a keep-alive connection that had carried
 * about 64 requests, the next one was decoded but never handed on, and the client got a 408), and
 * the logic here is small enough to own.
 *
 * <p>Confined to the channel's event loop.
 */
final class OneMessagePerRead extends ChannelDuplexHandler {
  private final ArrayDeque<Object> held = new ArrayDeque<>(4);
  private boolean wanted;

  @Override
  public void read(ChannelHandlerContext ctx) {
    Object next = held.poll();
    if (next != null) {
      ctx.fireChannelRead(next);
      return;
    }
    wanted = true;
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (wanted && held.isEmpty()) {
      wanted = false;
      ctx.fireChannelRead(msg);
    } else {
      held.add(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }
}
