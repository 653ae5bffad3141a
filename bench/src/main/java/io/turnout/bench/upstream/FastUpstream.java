package io.turnout.bench.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.turnout.gateway.proxy.Transport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

/**
 * The upstream app of the load benchmark: one version (blue or green) answering as fast as Netty
 * can, so the proxies in front of it are what is measured. The same app, same process, sits behind
 * every proxy and is the "direct" ceiling.
 *
 * <ul>
 *   <li>{@code GET /big}: 256 KiB body;
 *   <li>any other {@code GET}: a 64-byte body;
 *   <li>{@code POST}: reads the whole body (streamed, not buffered) and answers with the byte
 *       count.
 * </ul>
 *
 * Every response carries {@code X-Version: <name>} so a load script can count where requests went.
 * Bodies are preallocated direct buffers handed out as retained duplicates: no copy per response.
 *
 * <p>Usage: {@code java -cp turnout-bench.jar io.turnout.bench.upstream.FastUpstream NAME PORT
 * [THREADS] [DELAY_MS]}; a delay makes a slow version (every answer waits that long, on a timer, so
 * slowness costs no CPU), as the mirror benchmark's dark target. Confined to Netty's event loops;
 * each handler instance belongs to one connection.
 */
public final class FastUpstream {
  static final int BIG_BYTES = 256 * 1024;
  private static final AsciiString X_VERSION = AsciiString.cached("x-version");

  private FastUpstream() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 2) {
      System.err.println("usage: FastUpstream NAME PORT [THREADS] [DELAY_MS]");
      System.exit(2);
    }
    String name = args[0];
    int port = Integer.parseInt(args[1]);
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    long delayMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(threads, "upstream-" + name);
    Bodies bodies = new Bodies(name);
    Channel server =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new AppHandler(bodies, delayMs));
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println(
        "upstream " + name + " listening on 127.0.0.1:" + port + " (" + transport + ")");
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    stop.await();
    server.close();
    group.shutdownGracefully();
  }

  /** The preallocated bodies, shared by every connection (read-only, duplicated per response). */
  static final class Bodies {
    final String name;
    final ByteBuf small;
    final ByteBuf big;

    Bodies(String name) {
      this.name = name;
      byte[] s = new byte[64];
      byte[] text = ("hello from " + name + "\n").getBytes(StandardCharsets.US_ASCII);
      java.util.Arrays.fill(s, (byte) '.');
      System.arraycopy(text, 0, s, 0, Math.min(text.length, s.length - 1));
      s[s.length - 1] = '\n';
      this.small = Unpooled.unreleasableBuffer(Unpooled.directBuffer(64).writeBytes(s));
      byte[] b = new byte[BIG_BYTES];
      java.util.Arrays.fill(b, (byte) 'x');
      this.big = Unpooled.unreleasableBuffer(Unpooled.directBuffer(BIG_BYTES).writeBytes(b));
    }
  }

  /** One connection: answers each request once its body has been read. */
  static final class AppHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Bodies bodies;
    private final long delayMs;
    private boolean keepAlive;
    private boolean big;
    private boolean post;
    private long received;

    AppHandler(Bodies bodies, long delayMs) {
      this.bodies = bodies;
      this.delayMs = delayMs;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg instanceof HttpRequest req) {
        keepAlive = HttpUtil.isKeepAlive(req);
        post = "POST".equals(req.method().name());
        big = !post && req.uri().startsWith("/big");
        received = 0;
      }
      if (msg instanceof HttpContent c) {
        received += c.content().readableBytes();
        if (c instanceof LastHttpContent) {
          if (delayMs > 0) {
            ctx.executor()
                .schedule(() -> respond(ctx), delayMs, java.util.concurrent.TimeUnit.MILLISECONDS);
          } else {
            respond(ctx);
          }
        }
      }
    }

    private void respond(ChannelHandlerContext ctx) {
      ByteBuf body;
      if (post) {
        body = Unpooled.copiedBuffer(received + "\n", StandardCharsets.US_ASCII);
      } else {
        body = (big ? bodies.big : bodies.small).duplicate();
      }
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
          .set(X_VERSION, bodies.name);
      if (!keepAlive) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(res);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
