package io.turnout.bench.floor;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.turnout.gateway.proxy.Transport;
import java.util.concurrent.CountDownLatch;

/**
 * The listener both floor relays run, set up as the gateway's is (one acceptor thread, {@code
 * threads} workers, backlog 4096, no Nagle) so only what the relays do differs from Turnout. It
 * serves on 127.0.0.1 until the process is told to stop.
 */
final class FloorListener {
  private FloorListener() {}

  /**
   * Serves {@code port} with {@code child} on each accepted connection until the JVM shuts down.
   *
   * @param autoRead whether accepted connections read before their handler asks
   * @param banner printed once listening, for the benchmark's log
   */
  static void serveUntilStopped(
      Transport transport,
      String name,
      int port,
      int threads,
      boolean autoRead,
      ChannelHandler child,
      String banner)
      throws InterruptedException {
    EventLoopGroup acceptor = transport.newGroup(1, name + "-accept");
    EventLoopGroup workers = transport.newGroup(threads, name + "-worker");
    Channel server =
        new ServerBootstrap()
            .group(acceptor, workers)
            .channel(transport.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.AUTO_READ, autoRead)
            .childHandler(child)
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println(banner);
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    stop.await();
    server.close();
    workers.shutdownGracefully();
    acceptor.shutdownGracefully();
  }
}
