package io.turnout.gateway.proxy.mirror;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.routing.UpstreamEndpoint;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of mirroring: the sampler, and keep-alive connections to mirror endpoints
 * kept apart from the live {@code UpstreamPool}. A connection carries one copy at a time; when the
 * copy's answer ended cleanly it waits here (closed after {@link #IDLE_SECONDS} unused) for the
 * next. There is no wait line: a copy that finds no idle connection opens one, and the gateway-wide
 * {@code mirror.maxInFlight} bounds how many are busy. Up to that many may idle per endpoint, so a
 * mirror at the limit reuses its connections instead of opening and closing one per copy (a
 * connect, a close and a TIME_WAIT socket each, on the live path's event loop).
 *
 * <p>Confined to its event loop.
 */
final class MirrorLoop {
  static final int IDLE_SECONDS = 30;

  final MirrorSampler sampler = new MirrorSampler();
  final EventLoop loop;
  private final Bootstrap bootstrap;
  private final Map<UpstreamEndpoint, ArrayDeque<Channel>> idle = new HashMap<>();
  private int next;

  MirrorLoop(EventLoop loop, Transport transport, int connectTimeoutMillis) {
    this.loop = loop;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.socketChannel())
            // Auto-read: an answer is drained (and released) as fast as it arrives, and an idle
            // connection notices the mirror closing it.
            .option(ChannelOption.AUTO_READ, true)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("http", new HttpClientCodec(8192, 65536, 65536))
                        .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                        .addLast("mirror", new MirrorConnection());
                  }
                });
  }

  /** The next endpoint of {@code endpoints} in turn, or null when there is none. */
  UpstreamEndpoint pick(UpstreamEndpoint[] endpoints) {
    if (endpoints.length == 0) {
      return null;
    }
    next = (next + 1) & Integer.MAX_VALUE;
    return endpoints[next % endpoints.length];
  }

  /** An idle connection to {@code ep}, or null. */
  Channel pollIdle(UpstreamEndpoint ep) {
    ArrayDeque<Channel> q = idle.get(ep);
    if (q == null) {
      return null;
    }
    Channel ch;
    while ((ch = q.pollLast()) != null) {
      if (ch.isActive()) {
        return ch;
      }
      ch.close();
    }
    return null;
  }

  /** Opens a new connection to {@code ep}; once closed it leaves the idle list by itself. */
  ChannelFuture connect(UpstreamEndpoint ep) {
    ChannelFuture cf = bootstrap.connect(ep.address());
    Channel ch = cf.channel();
    ch.closeFuture().addListener(f -> forget(ep, ch));
    return cf;
  }

  private void forget(UpstreamEndpoint ep, Channel ch) {
    ArrayDeque<Channel> q = idle.get(ep);
    if (q != null && q.remove(ch) && q.isEmpty()) {
      idle.remove(ep);
    }
  }

  /**
   * Keeps a connection whose copy ended cleanly, or closes it when {@code maxIdle} are idle
   * already.
   */
  void release(UpstreamEndpoint ep, Channel ch, int maxIdle) {
    ArrayDeque<Channel> q = idle.computeIfAbsent(ep, k -> new ArrayDeque<>());
    if (!ch.isActive() || q.size() >= maxIdle) {
      ch.close();
      return;
    }
    q.addLast(ch);
  }
}
