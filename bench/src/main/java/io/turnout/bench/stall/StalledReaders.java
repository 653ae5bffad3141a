package io.turnout.bench.stall;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.Durations;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.source.FileSnapshotSource;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What clients that stop reading a large response cost the gateway, over time: N clients each ask
 * for a 64 MiB body and then read nothing. Every second it prints how many upstream connections
 * (and so app workers) are still held, and how many client connections the gateway keeps. Run once
 * per {@code limits.sendTimeout} given; {@code 0} is no limit, which is how the gateway behaved
 * before the timeout existed.
 *
 * <pre>
 *   java -cp bench/target/turnout-bench.jar io.turnout.bench.stall.StalledReaders \
 *       [clients=200] [seconds=20] [sendTimeout ...=0 5s]
 * </pre>
 *
 * The gateway and the upstream run in this process (the gateway as in production: a watched YAML
 * file, its own event loops); the clients are plain sockets with a 64 KiB receive buffer.
 */
public final class StalledReaders {
  private static final long BODY = 64L * 1024 * 1024;
  private static final ByteBuf CHUNK =
      Unpooled.unreleasableBuffer(Unpooled.directBuffer(65536).writeZero(65536)).asReadOnly();

  private StalledReaders() {}

  public static void main(String[] args) throws Exception {
    int clients = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    List<String> timeouts =
        args.length > 2 ? List.of(args).subList(2, args.length) : List.of("0", "5s");
    Upstream app = new Upstream();
    try {
      for (String timeout : timeouts) {
        run(app, clients, seconds, Durations.parse(timeout));
      }
    } finally {
      app.close();
    }
  }

  private static void run(Upstream app, int clients, int seconds, Duration sendTimeout)
      throws Exception {
    Path dir = Files.createTempDirectory("turnout-stall");
    Path file = dir.resolve("turnout.yaml");
    Files.writeString(
        file,
        """
        listen: { http: 0, admin: 0, address: 127.0.0.1 }
        shutdown: { drainDelay: 0s, timeout: 1s }
        accessLog: false
        affinity: { secret: bench }
        limits: { sendTimeout: %s }
        hosts:
          - host: "*"
            routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["127.0.0.1:%d"]}]}]
        """
            .formatted(Durations.format(sendTimeout), app.port()),
        StandardCharsets.UTF_8);
    FileSnapshotSource source = new FileSnapshotSource(file, c -> {}, true);
    GatewayConfig config = source.loadInitial();
    GatewayServer gateway = GatewayServer.start(config, source);
    List<Socket> sockets = new ArrayList<>();
    try {
      System.out.printf(
          "%n%d clients stop reading a %d MiB response; limits.sendTimeout: %s%s%n",
          clients,
          BODY >> 20,
          Durations.format(sendTimeout),
          sendTimeout.isZero() ? " (no limit: the behaviour before the timeout existed)" : "");
      System.out.println("  t(s)  upstream connections held  gateway client connections");
      long start = System.nanoTime();
      for (int i = 0; i < clients; i++) {
        sockets.add(stalledClient(gateway.httpPort()));
      }
      for (int t = 0; t <= seconds; t++) {
        long due = start + t * 1_000_000_000L;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        System.out.printf("  %4d  %25d  %26d%n", t, app.open(), gateway.proxy().openConnections());
      }
      double[] held = app.takeLifetimes();
      System.out.printf(
          "  upstream connections released during the run: %d, each held for p50 %.1f s, max %.1f"
              + " s; still held at the end: %d%n",
          held.length,
          held.length == 0 ? 0 : held[held.length / 2],
          held.length == 0 ? 0 : held[held.length - 1],
          app.open());
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
      gateway.shutdown(Duration.ZERO, Duration.ofSeconds(1));
      Thread.sleep(500); // let the upstream see the closes before the next run counts
      app.takeLifetimes();
    }
  }

  private static Socket stalledClient(int port) throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(64 * 1024);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.getOutputStream()
        .write(("GET /big HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return s; // and never read from
  }

  /** Streams {@link #BODY} bytes to every request, only as fast as the socket drains. */
  private static final class Upstream implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;
    private final ChannelGroup open = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Queue<Long> lifetimes = new ConcurrentLinkedQueue<>();

    Upstream() throws InterruptedException {
      Transport transport = Transport.best();
      group = transport.newGroup(1, "stall-upstream");
      server =
          new ServerBootstrap()
              .group(group)
              .channel(transport.serverChannel())
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      open.add(ch);
                      long opened = System.nanoTime();
                      ch.closeFuture().addListener(f -> lifetimes.add(System.nanoTime() - opened));
                      ch.pipeline().addLast(new HttpServerCodec()).addLast(new Streamer());
                    }
                  })
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
    }

    int port() {
      return ((InetSocketAddress) server.localAddress()).getPort();
    }

    int open() {
      return open.size();
    }

    /** How long each connection closed since the last call was open, sorted, in seconds. */
    double[] takeLifetimes() {
      List<Long> taken = new ArrayList<>();
      Long l;
      while ((l = lifetimes.poll()) != null) {
        taken.add(l);
      }
      return taken.stream().mapToDouble(n -> n / 1e9).sorted().toArray();
    }

    @Override
    public void close() {
      server.close().syncUninterruptibly();
      open.close().syncUninterruptibly();
      group.shutdownGracefully();
    }
  }

  /** One connection's response: 64 KiB at a time while the socket is writable. */
  private static final class Streamer extends ChannelInboundHandlerAdapter {
    private long remaining;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setContentLength(res, BODY);
        ctx.write(res);
        remaining = BODY;
        next(ctx);
      }
      ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
      while (remaining > 0 && ctx.channel().isWritable()) {
        int n = (int) Math.min(CHUNK.capacity(), remaining);
        remaining -= n;
        ctx.write(new DefaultHttpContent(CHUNK.retainedSlice(0, n)));
        if (remaining == 0) {
          ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
      }
      ctx.flush();
    }
  }
}
