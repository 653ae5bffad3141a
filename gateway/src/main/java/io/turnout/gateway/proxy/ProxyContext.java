package io.turnout.gateway.proxy;

import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.turnout.gateway.config.Cidr;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.proxy.mirror.MirrorSender;
import io.turnout.gateway.routing.RoutingState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every client connection of one gateway shares: the routing state, meters, settings, the
 * per-event-loop upstream pools, and the drain flag.
 *
 * <p>Thread-safe: immutable but for atomics, the volatile drain flag and the per-thread pools.
 */
public final class ProxyContext {
  /** Attempts per request, the first included. */
  static final int MAX_ATTEMPTS = 3;

  final RoutingState routing;
  final GatewayMetrics metrics;
  final GatewayConfig config;
  final Transport transport;
  final AccessLog accessLog;
  final RetryBudget retryBudget;
  final FailureFunnel failures;
  final ConnectionLimiter connectionLimiter;
  final MirrorSender mirror;
  final ChannelGroup clientChannels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  final AtomicInteger inFlight = new AtomicInteger();
  private final List<Cidr> trustedProxies;
  private final FastThreadLocal<UpstreamPool> pools;
  private volatile boolean draining;

  public ProxyContext(
      RoutingState routing, GatewayMetrics metrics, GatewayConfig config, Transport transport) {
    this.routing = routing;
    this.metrics = metrics;
    this.config = config;
    this.transport = transport;
    this.accessLog = new AccessLog(config.accessLog(), metrics.registry());
    double retryRatio = config.upstream().retryBudget();
    this.retryBudget = new RetryBudget(retryRatio, retryRatio > 0 ? 20 : 0);
    this.failures = new FailureFunnel(retryBudget);
    this.connectionLimiter = new ConnectionLimiter(config.limits().maxConnections());
    this.mirror =
        MirrorSender.create(
            config.mirror(), transport, config.upstream().connectTimeout(), metrics);
    this.trustedProxies = config.trustedProxies().stream().map(Cidr::parse).toList();
    this.pools =
        new FastThreadLocal<>() {
          @Override
          protected UpstreamPool initialValue() {
            throw new IllegalStateException("pool read off an event loop");
          }
        };
  }

  /** Copies of live requests to mirror versions. */
  public MirrorSender mirror() {
    return mirror;
  }

  /** The upstream pool of the calling event loop. */
  UpstreamPool pool(EventLoop loop) {
    UpstreamPool p = pools.getIfExists();
    if (p == null) {
      p = new UpstreamPool(loop, transport, config.upstream());
      pools.set(p);
    }
    return p;
  }

  boolean isTrusted(SocketAddress remote) {
    if (trustedProxies.isEmpty() || !(remote instanceof InetSocketAddress isa)) {
      return false;
    }
    InetAddress a = isa.getAddress();
    if (a == null) {
      return false;
    }
    for (Cidr c : trustedProxies) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Shutdown began: every response from now on says {@code Connection: close}, so clients leave on
   * their own between requests instead of racing a close.
   */
  public void startDraining() {
    draining = true;
  }

  /** Closes client connections that are between requests; busy ones close after their response. */
  public void closeIdleConnections() {
    clientChannels.forEach(
        ch ->
            ch.eventLoop()
                .execute(() -> ch.pipeline().fireUserEventTriggered(CloseIdleEvent.INSTANCE)));
  }

  public boolean isDraining() {
    return draining;
  }

  /** Requests being proxied right now. */
  public int inFlight() {
    return inFlight.get();
  }

  /** Client connections open right now. */
  public int openConnections() {
    return clientChannels.size();
  }

  /** Closes idle pooled upstream connections of every loop (shutdown). */
  public void closePools(Iterable<io.netty.util.concurrent.EventExecutor> loops) {
    for (io.netty.util.concurrent.EventExecutor loop : loops) {
      loop.execute(
          () -> {
            UpstreamPool p = pools.getIfExists();
            if (p != null) {
              p.close();
            }
          });
    }
  }

  /** Fired on every client channel when the listener closes at shutdown. */
  enum CloseIdleEvent {
    INSTANCE
  }
}
