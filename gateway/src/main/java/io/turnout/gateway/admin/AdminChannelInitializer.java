package io.turnout.gateway.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Builds each admin connection's pipeline:
 *
 * <pre>
 *   idle       IdleStateHandler   no byte read and no write completed for the idle timeout...
 *   idle-close                    ...closes the connection
 *   http       HttpServerCodec, HttpObjectAggregator (8 KiB: the admin port takes no bodies)
 *   admin      AdminHandler
 * </pre>
 *
 * The admin port has one thread; every connection it keeps costs that thread nothing, but the
 * process a socket and its buffers. A scraper or probe that opens a connection and goes quiet, or
 * stops reading an answer (a write that never completes counts as idle too), is closed after the
 * idle timeout ({@code limits.keepAliveTimeout}, the proxy port's).
 */
public final class AdminChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final AdminHandler handler;
  private final long idleNanos;

  public AdminChannelInitializer(AdminHandler handler, Duration idleTimeout) {
    this.handler = handler;
    this.idleNanos = idleTimeout.toNanos();
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ch.pipeline()
        .addLast("idle", new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS))
        .addLast("idle-close", new CloseWhenIdle())
        .addLast("http", new HttpServerCodec())
        .addLast("aggregate", new HttpObjectAggregator(8192))
        .addLast("admin", handler);
  }

  /** Closes the connection on the idle handler's event. */
  private static final class CloseWhenIdle extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }
  }
}
