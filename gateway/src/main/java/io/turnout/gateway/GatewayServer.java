package io.turnout.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.turnout.gateway.admin.AdminChannelInitializer;
import io.turnout.gateway.admin.AdminHandler;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.proxy.HttpProxyInitializer;
import io.turnout.gateway.proxy.ProxyContext;
import io.turnout.gateway.proxy.TlsContexts;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.proxy.tls.ServerCertificates;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.source.SnapshotSource;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: the proxy listener, the admin listener and a snapshot source.
 *
 * <p>Threads: one acceptor thread, one worker event loop per core (each client connection and every
 * upstream connection it borrows live on one of them), one admin event loop (so health checks
 * answer under a traffic flood), and the source's own thread. Snapshots are compiled on the
 * source's thread and published by a volatile swap.
 *
 * <p>Shutdown ({@link #close()}, also on SIGTERM): readiness fails at once; the gateway keeps
 * serving for {@code shutdown.drainDelay} with {@code Connection: close} on every response; then
 * the listener closes, idle connections close, and in-flight requests get up to {@code
 * shutdown.timeout} to finish.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);

  private final GatewayConfig config;
  private final GatewayMetrics metrics;
  private final RoutingState routing;
  private final ProxyContext proxy;
  private final SnapshotSource source;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final EventLoopGroup admin;
  private final Channel httpChannel;
  private final Channel adminChannel;
  private final Channel httpsChannel;
  private final ServerCertificates certificates;
  private volatile boolean shuttingDown;
  private volatile boolean closed;

  private GatewayServer(GatewayConfig config, SnapshotSource source) throws InterruptedException {
    this.config = config;
    this.source = source;
    this.metrics = new GatewayMetrics();
    this.routing =
        new RoutingState(
            metrics, config.affinity(), config.preview(), config.assets(), source.drainAuthority());
    Transport transport = Transport.select(config.listen().transport());
    this.proxy = new ProxyContext(routing, metrics, config, transport);
    int cores = Integer.getInteger("turnout.workers", Runtime.getRuntime().availableProcessors());
    this.acceptor = transport.newGroup(1, "turnout-accept");
    this.workers = transport.newGroup(cores, "turnout-worker");
    this.admin = transport.newGroup(1, "turnout-admin");
    ServerCertificates certs = null;
    try {
      certs =
          config.tls() == null
              ? null
              : ServerCertificates.load(config.tls(), config.http2().enabled());
      this.certificates = certs;
      this.httpChannel =
          proxyBootstrap(transport)
              .childHandler(new HttpProxyInitializer(proxy, null))
              .bind(config.listen().address(), config.listen().http())
              .sync()
              .channel();
      this.httpsChannel =
          config.tls() == null
              ? null
              : proxyBootstrap(transport)
                  .childHandler(new HttpProxyInitializer(proxy, certs))
                  .bind(config.listen().address(), config.listen().https())
                  .sync()
                  .channel();
      AdminHandler adminHandler = new AdminHandler(routing, metrics, () -> shuttingDown);
      this.adminChannel =
          new ServerBootstrap()
              .group(admin)
              .channel(transport.serverChannel())
              .childHandler(
                  new AdminChannelInitializer(adminHandler, config.limits().keepAliveTimeout()))
              .bind(config.listen().address(), config.listen().admin())
              .sync()
              .channel();
    } catch (SSLException e) {
      shutdownGroups();
      throw new IllegalStateException(e.getMessage(), e);
    } catch (RuntimeException | InterruptedException e) {
      if (certs != null) {
        certs.close();
      }
      shutdownGroups();
      throw e;
    }
    if (certificates != null) {
      certificates.startWatching();
    }
    log.info(
        "turnout gateway listening on {} (http){} and {} (admin), transport {}, {} worker(s)",
        httpPort(),
        httpsChannel == null
            ? ""
            : ", " + httpsPort() + " (https, " + TlsContexts.providerName() + ")",
        adminPort(),
        transport,
        cores);
    source.start(routing);
  }

  /**
   * The proxy listeners' common options: on-demand reads, write water marks. No Nagle comes with
   * Netty's socket configs (TCP_NODELAY on by default on every transport, {@code TransportTest});
   * setting it again cost a {@code setsockopt} per connection.
   */
  private ServerBootstrap proxyBootstrap(Transport transport) {
    return new ServerBootstrap()
        .group(acceptor, workers)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(
            ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024));
  }

  /**
   * Binds the listeners and starts taking snapshots from {@code source}.
   *
   * @throws InterruptedException while binding
   * @throws io.netty.channel.ChannelException or another runtime exception when a port is taken
   */
  public static GatewayServer start(GatewayConfig config, SnapshotSource source)
      throws InterruptedException {
    return new GatewayServer(config, source);
  }

  public int httpPort() {
    return ((InetSocketAddress) httpChannel.localAddress()).getPort();
  }

  /** The HTTPS port, or -1 when no HTTPS listener is configured. */
  public int httpsPort() {
    return httpsChannel == null ? -1 : ((InetSocketAddress) httpsChannel.localAddress()).getPort();
  }

  public int adminPort() {
    return ((InetSocketAddress) adminChannel.localAddress()).getPort();
  }

  public RoutingState routing() {
    return routing;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  public ProxyContext proxy() {
    return proxy;
  }

  /** The snapshot in use, or null before the first. */
  public Snapshot currentSnapshot() {
    var t = routing.table();
    return t == null ? null : t.snapshot();
  }

  /** The snapshot in use as JSON (what the admin port's {@code /snapshot} shows), or "". */
  public String currentSnapshotJson() {
    Snapshot s = currentSnapshot();
    return s == null ? "" : io.turnout.gateway.snapshot.SnapshotJson.toJson(s);
  }

  /** Applies a changed config file's settings that can change live (affinity, preview, assets). */
  public void settingsChanged(GatewayConfig newConfig) {
    if (!newConfig.listen().equals(config.listen())) {
      log.warn("listen settings changed in the config file; they take effect on restart");
    }
    routing.updateSettings(newConfig.affinity(), newConfig.preview(), "config file");
    routing.updateAssetSettings(newConfig.assets(), "config file");
    proxy.mirror().update(newConfig.mirror());
  }

  /** Graceful stop with the configured drain delay and timeout. */
  @Override
  public void close() {
    shutdown(config.shutdown().drainDelay(), config.shutdown().timeout());
  }

  /**
   * Graceful stop: readiness fails now, traffic keeps flowing for {@code drainDelay}, then the
   * listener closes and in-flight requests get up to {@code timeout}. Blocks until done.
   */
  public synchronized void shutdown(Duration drainDelay, Duration timeout) {
    if (closed) {
      return;
    }
    shuttingDown = true;
    proxy.startDraining();
    log.info("shutting down: readiness off, draining for {} ms", drainDelay.toMillis());
    sleep(drainDelay.toMillis());
    httpChannel.close().syncUninterruptibly();
    if (httpsChannel != null) {
      httpsChannel.close().syncUninterruptibly();
    }
    proxy.closeIdleConnections();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (proxy.inFlight() > 0 && System.nanoTime() - deadline < 0) {
      sleep(20);
    }
    if (proxy.inFlight() > 0) {
      log.warn("shutdown timeout: {} request(s) still in flight are cut", proxy.inFlight());
    }
    source.close();
    if (certificates != null) {
      certificates.close();
    }
    proxy.closePools(workers);
    closed = true;
    shutdownGroups();
    log.info("gateway stopped");
  }

  private void shutdownGroups() {
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    admin.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
