package io.turnout.controller.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Netty implementation of {@link SnapshotServer}.
 *
 * <p>Threads: {@link #publish} runs on the caller's thread (the reconciler) and only hands the
 * snapshot to the {@link SnapshotStream}'s thread, which encodes and sends. The subscriber set (for
 * counting and closing) is concurrent; each {@link Subscriber} is owned by its channel's loop.
 */
final class NettySnapshotServer implements SnapshotServer {
  private final Settings settings;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Channel serverChannel;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final SideRoutes sideRoutes;
  private final SnapshotStream stream;
  private final StreamGate gate;
  final Counter slowClosed;
  final Counter connects;

  private NettySnapshotServer(
      Settings settings,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      SideRoutes sideRoutes) {
    this.settings = settings;
    this.sideRoutes = sideRoutes;
    this.stream = new SnapshotStream(settings.endpointCoalesce(), 4096, 64L << 20, registry);
    this.gate = new StreamGate(settings.streamToken(), settings.maxStreams(), registry);
    this.boss =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("turnout-http-accept", true), NioIoHandler.newFactory());
    this.workers =
        new MultiThreadIoEventLoopGroup(
            2, new DefaultThreadFactory("turnout-http", true), NioIoHandler.newFactory());
    Gauge.builder("turnout.controller.clients", subscribers, Set::size)
        .description("Gateways connected to /v1/snapshots")
        .register(registry);
    this.slowClosed =
        Counter.builder("turnout.controller.clients.slow.closed")
            .description("Snapshot streams cut because the client did not take data")
            .register(registry);
    this.connects =
        Counter.builder("turnout.controller.clients.connects")
            .description("Snapshot streams opened")
            .register(registry);
    try {
      ServerBootstrap b =
          new ServerBootstrap()
              .group(boss, workers)
              .channel(NioServerSocketChannel.class)
              .childOption(
                  ChannelOption.WRITE_BUFFER_WATER_MARK,
                  new WriteBufferWaterMark(settings.highWaterMark() / 2, settings.highWaterMark()))
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ChannelPipeline p = ch.pipeline();
                      p.addLast("http", new HttpServerCodec());
                      // Requests are small: GETs and the gateways' reports (a few hundred bytes per
                      // version served); the only streamed body is our response.
                      p.addLast("aggregate", new HttpObjectAggregator(4 << 20));
                      p.addLast(
                          "routes",
                          new ControllerHttpHandler(NettySnapshotServer.this, ready, registry));
                    }
                  });
      this.serverChannel =
          b.bind(new InetSocketAddress(settings.bindAddress(), settings.port()))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      stream.close();
      throw e;
    }
  }

  static NettySnapshotServer start(
      Settings settings,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      SideRoutes sideRoutes) {
    return new NettySnapshotServer(settings, ready, registry, sideRoutes);
  }

  SideRoutes sideRoutes() {
    return sideRoutes;
  }

  @Override
  public void publish(Snapshot snapshot) {
    stream.publish(snapshot, null);
  }

  @Override
  public void publish(Snapshot snapshot, Map<String, HostSpec> changed) {
    stream.publish(snapshot, changed);
  }

  /** True when {@code req} carries the stream token (or none is set). */
  boolean authorized(io.netty.handler.codec.http.HttpRequest req) {
    return gate.authorized(req);
  }

  /** Why a stream request may not open a stream (null when it may). */
  StreamGate.Refusal admit(io.netty.handler.codec.http.HttpRequest req) {
    return gate.admit(req, subscribers.size());
  }

  /** Called on the new subscriber's event loop once its response headers are written. */
  void subscribe(Subscriber s, long lastEventId) {
    connects.increment();
    subscribers.add(s);
    s.startHeartbeat(settings.heartbeat().toNanos());
    stream.attach(s, lastEventId);
  }

  void unsubscribe(Subscriber s) {
    subscribers.remove(s);
    stream.detach(s);
    s.stop();
  }

  /** Deltas a subscriber may have waiting before it is cut. */
  int maxPending() {
    return 1024;
  }

  long slowClientTimeoutNanos() {
    return settings.slowClientTimeout().toNanos();
  }

  @Override
  public int port() {
    return ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  @Override
  public int subscribers() {
    return subscribers.size();
  }

  @Override
  public void close() {
    sideRoutes.close();
    serverChannel.close().syncUninterruptibly();
    stream.close();
    for (Subscriber s : subscribers) {
      s.channel().close();
    }
    boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
