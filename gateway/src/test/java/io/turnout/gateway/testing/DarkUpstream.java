package io.turnout.gateway.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A mirror target for tests, on loopback: it records every request head it receives (headers and
 * when) and every body, and, for every path alike, answers at once, answers after a delay, or
 * resets the connection (RST, not FIN). Answers carry a {@code Set-Cookie} that must never reach a
 * client.
 */
public final class DarkUpstream implements AutoCloseable {
  private static final EventLoopGroup GROUP =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  /** What the server does with each request. */
  public enum Mode {
    ANSWER,
    SLOW,
    RESET
  }

  private final Mode mode;
  private final long delayMillis;
  private final Channel channel;
  private final List<HttpHeaders> heads = new CopyOnWriteArrayList<>();
  private final List<String> methods = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final AtomicLong lastRequestNanos = new AtomicLong();
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private DarkUpstream(Mode mode, long delayMillis) throws InterruptedException {
    this.mode = mode;
    this.delayMillis = delayMillis;
    this.channel =
        new ServerBootstrap()
            .group(GROUP)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    children.add(ch);
                    ch.pipeline().addLast(new HttpServerCodec()).addLast(new Handler());
                  }
                })
            .bind("127.0.0.1", 0)
            .sync()
            .channel();
  }

  public static DarkUpstream answering() throws InterruptedException {
    return new DarkUpstream(Mode.ANSWER, 0);
  }

  public static DarkUpstream slow(long delayMillis) throws InterruptedException {
    return new DarkUpstream(Mode.SLOW, delayMillis);
  }

  public static DarkUpstream resetting() throws InterruptedException {
    return new DarkUpstream(Mode.RESET, 0);
  }

  public String endpoint() {
    return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
  }

  public int requestsReceived() {
    return heads.size();
  }

  /** Every request head received, in order. */
  public List<HttpHeaders> heads() {
    return heads;
  }

  public List<String> methods() {
    return methods;
  }

  /** The body of every request received to its end, in order (UTF-8; empty when it had none). */
  public List<String> bodies() {
    return bodies;
  }

  /** System.nanoTime of the last request head, or 0. */
  public long lastRequestNanos() {
    return lastRequestNanos.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    children.close().syncUninterruptibly();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private final StringBuilder body = new StringBuilder(); // of the request now arriving

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpContent content) {
          body.append(content.content().toString(StandardCharsets.UTF_8));
          if (content instanceof LastHttpContent) {
            bodies.add(body.toString());
            body.setLength(0);
          }
        }
        if (!(msg instanceof HttpRequest req)) {
          return; // answered at the head already; chunks are only recorded
        }
        heads.add(req.headers().copy());
        methods.add(req.method().name());
        lastRequestNanos.set(System.nanoTime());
        switch (mode) {
          case ANSWER -> answer(ctx);
          case SLOW ->
              ctx.executor().schedule(() -> answer(ctx), delayMillis, TimeUnit.MILLISECONDS);
          case RESET -> {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void answer(ChannelHandlerContext ctx) {
      byte[] body = "dark".getBytes(StandardCharsets.UTF_8);
      FullHttpResponse res =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(body));
      res.headers()
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
          .set(HttpHeaderNames.SET_COOKIE, "dark=1; Path=/")
          .set("X-Served-By", "dark");
      ctx.writeAndFlush(res);
    }
  }
}
