package io.turnout.gateway.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnout.gateway.config.UpstreamSettings;
import io.turnout.gateway.routing.UpstreamEndpoint;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to endpoints, for one event loop. Every borrow and return happens on that
 * loop, so the pool takes no lock and a request never crosses threads (the Zuul and HexDumpProxy
 * pattern). Idle connections are reused last-in first-out so the extra ones age out through the
 * idle timeout; at {@code maxConnectionsPerEndpoint} borrowers wait in line, up to the connect
 * timeout.
 *
 * <p>Confined to its event loop.
 */
final class UpstreamPool {
  /** Thrown into a borrower whose wait for a free connection timed out. */
  static final class PoolExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    PoolExhaustedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * At most four buffers (up to 64 KiB each) per read of an upstream connection, then the client's
   * writability is checked ({@link Exchange#upstreamReadComplete}). One buffer per read cost a
   * read, a flush and a client {@code writev} (and a wake-up of the client) per 64 KiB: four per
   * 256 KiB response where four buffers per read need one. Netty's default, sixteen, would let a
   * slow client's exchange take 1 MiB past its water mark before pausing; four bound that to 256
   * KiB.
   */
  static final int BUFFERS_PER_READ = 4;

  private static final RecvByteBufAllocator UPSTREAM_READS =
      new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(BUFFERS_PER_READ);

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final UpstreamSettings settings;
  private final Map<UpstreamEndpoint, Slot> slots = new HashMap<>();
  private boolean closed;

  UpstreamPool(EventLoop loop, Transport transport, UpstreamSettings settings) {
    this.loop = loop;
    this.settings = settings;
    this.bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(transport.socketChannel())
            // Auto-read, a few buffers per read: the socket's read interest stays registered
            // between exchanges (no epoll_ctl per request), and each read of up to
            // BUFFERS_PER_READ buffers is followed by a writability check of the client (the
            // exchange pauses auto-read when the client is full). An idle pooled connection that
            // receives anything closes (UpstreamConnection).
            .option(ChannelOption.AUTO_READ, true)
            .option(ChannelOption.RCVBUF_ALLOCATOR, UPSTREAM_READS)
            // TCP_NODELAY: Netty's default on every transport (TransportTest), not set again.
            .option(ChannelOption.SO_KEEPALIVE, true)
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
            .option(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(32 * 1024, 64 * 1024));
  }

  /** Lends a connection to {@code endpoint}: an idle one, a new one, or the next one returned. */
  Future<UpstreamConnection> acquire(UpstreamEndpoint endpoint) {
    Slot slot = slots.computeIfAbsent(endpoint, Slot::new);
    Promise<UpstreamConnection> promise = loop.newPromise();
    UpstreamConnection idle = slot.pollIdle();
    if (idle != null) {
      return promise.setSuccess(idle);
    }
    if (slot.open < settings.maxConnectionsPerEndpoint()) {
      connect(slot, promise);
      return promise;
    }
    slot.waiters.add(promise);
    ScheduledFuture<?> timeout =
        loop.schedule(
            () -> {
              if (slot.waiters.remove(promise)) {
                promise.tryFailure(
                    new PoolExhaustedException(
                        "no free connection to " + endpoint + " within the connect timeout"));
              }
            },
            settings.connectTimeout().toMillis(),
            TimeUnit.MILLISECONDS);
    promise.addListener(f -> timeout.cancel(false));
    return promise;
  }

  /**
   * Takes back a connection whose exchange ended cleanly; it may be lent again. Called through
   * {@link UpstreamConnection#release}.
   */
  void release(UpstreamConnection conn) {
    conn.unbind();
    conn.resumeReads(); // an exchange may have paused it; a no-op when it did not
    Slot slot = conn.slot();
    if (closed || !conn.isActive()) {
      conn.close();
      return;
    }
    Promise<UpstreamConnection> waiter;
    while ((waiter = slot.waiters.poll()) != null) {
      if (waiter.trySuccess(conn)) {
        return;
      }
    }
    slot.idle.addLast(conn);
    // The idle timeout runs, and a read stays pending while idle: the upstream closing its end
    // (its own keep-alive timeout) is then noticed now, not by the next request that borrows a
    // dead connection.
    conn.pooled();
  }

  /**
   * Pools {@code ch}, a channel already connected to {@code endpoint} with an HTTP client codec (or
   * none, where a test feeds it decoded messages), as an idle connection. For tests that run the
   * request path on {@code EmbeddedChannel}s.
   */
  UpstreamConnection adopt(UpstreamEndpoint endpoint, Channel ch) {
    Slot slot = slots.computeIfAbsent(endpoint, Slot::new);
    UpstreamConnection conn = new UpstreamConnection(slot);
    ch.pipeline().addLast(UpstreamConnection.NAME, conn);
    slot.open++;
    ch.closeFuture().addListener(f -> slot.open--);
    slot.idle.addLast(conn);
    return conn;
  }

  /** Connections to {@code endpoint} idle in the pool now. */
  int idleCount(UpstreamEndpoint endpoint) {
    Slot slot = slots.get(endpoint);
    return slot == null ? 0 : slot.idle.size();
  }

  /** Closes every idle connection and refuses to pool returned ones (shutdown). */
  void close() {
    closed = true;
    // Closing a channel runs its close listener at once, which edits these maps: copy first.
    List<UpstreamConnection> idle = new ArrayList<>();
    for (Slot slot : slots.values()) {
      idle.addAll(slot.idle);
      slot.idle.clear();
    }
    idle.forEach(UpstreamConnection::close);
  }

  private void connect(Slot slot, Promise<UpstreamConnection> promise) {
    slot.open++;
    UpstreamConnection conn = new UpstreamConnection(slot);
    ChannelFuture cf =
        bootstrap
            .clone()
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast("http", new HttpClientCodec(8192, 65536, 65536))
                        .addLast(
                            UpstreamTimeoutHandler.NAME,
                            new UpstreamTimeoutHandler(
                                settings.readTimeout().toNanos(),
                                settings.sendTimeout().toNanos(),
                                settings.idleTimeout().toNanos()))
                        .addLast(UpstreamConnection.NAME, conn);
                  }
                })
            .connect(slot.endpoint.address());
    Channel ch = cf.channel();
    ch.closeFuture()
        .addListener(
            f -> {
              slot.open--;
              slot.idle.remove(conn);
              if (slot.open == 0 && slot.waiters.isEmpty()) {
                slots.remove(slot.endpoint, slot);
              }
            });
    cf.addListener(
        f -> {
          if (f.isSuccess()) {
            if (!promise.trySuccess(conn)) {
              release(conn);
            }
          } else {
            promise.tryFailure(f.cause());
          }
        });
  }

  /** The connections of one endpoint on this loop. */
  static final class Slot {
    final UpstreamEndpoint endpoint;
    final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Promise<UpstreamConnection>> waiters = new ArrayDeque<>();
    int open;

    Slot(UpstreamEndpoint endpoint) {
      this.endpoint = endpoint;
    }

    UpstreamConnection pollIdle() {
      Iterator<UpstreamConnection> it = idle.descendingIterator();
      while (it.hasNext()) {
        UpstreamConnection conn = it.next();
        it.remove();
        if (conn.isActive()) {
          return conn;
        }
        conn.close();
      }
      return null;
    }
  }
}
