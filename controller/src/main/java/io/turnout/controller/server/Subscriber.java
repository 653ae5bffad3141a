package io.turnout.controller.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /v1/snapshots} stream.
 *
 * <p>Back-pressure: a snapshot is written only while the channel is writable (below its high water
 * mark). Otherwise it is parked in {@code pending}, replacing any parked one: every event is a full
 * snapshot, so a slow gateway skips to the latest instead of queueing history. Memory per
 * subscriber is thus bounded by the water mark plus one snapshot (shared bytes). A subscriber that
 * stays unwritable for longer than the slow-client timeout is disconnected; it will reconnect and
 * resume with {@code Last-Event-ID}.
 *
 * <p>Threads: {@link #offer} may be called from any thread; every other method, and every field,
 * belongs to the channel's event loop.
 */
final class Subscriber {
  private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
  private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final Channel channel;
  private final long slowTimeoutNanos;
  private final Runnable onSlowClose;
  private long lastSentVersion;
  private Published pending;
  private long unwritableSince = -1;
  private ScheduledFuture<?> heartbeat;

  Subscriber(Channel channel, long slowTimeoutNanos, Runnable onSlowClose) {
    this.channel = channel;
    this.slowTimeoutNanos = slowTimeoutNanos;
    this.onSlowClose = onSlowClose;
    this.lastSentVersion = -1;
  }

  /** The client said (Last-Event-ID) that it has {@code version}: do not send it again. */
  void alreadyHas(long version) {
    lastSentVersion = Math.max(lastSentVersion, version);
  }

  Channel channel() {
    return channel;
  }

  /** Hands {@code p} to the event loop. Any thread. */
  void offer(Published p) {
    try {
      channel.eventLoop().execute(() -> deliver(p));
    } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
      // the server is closing; the stream ends with it
    }
  }

  void startHeartbeat(long periodNanos) {
    heartbeat =
        channel
            .eventLoop()
            .scheduleAtFixedRate(this::beat, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  void stop() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
    }
    pending = null;
  }

  /** Writes {@code p} now if the client can take it, else parks it as the latest. */
  void deliver(Published p) {
    if (p.version() <= lastSentVersion || !channel.isActive()) {
      return;
    }
    if (channel.isWritable()) {
      write(p);
    } else {
      pending = p;
      markUnwritable();
    }
  }

  void writabilityChanged() {
    if (!channel.isWritable()) {
      markUnwritable();
      return;
    }
    unwritableSince = -1;
    Published p = pending;
    pending = null;
    if (p != null && p.version() > lastSentVersion) {
      write(p);
    }
  }

  private void write(Published p) {
    lastSentVersion = p.version();
    channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(p.event())));
    if (!channel.isWritable()) {
      markUnwritable();
    }
  }

  private void markUnwritable() {
    if (unwritableSince < 0) {
      unwritableSince = System.nanoTime();
    }
  }

  private void beat() {
    if (channel.isWritable()) {
      channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(HEARTBEAT)));
    } else if (unwritableSince >= 0 && System.nanoTime() - unwritableSince > slowTimeoutNanos) {
      log.warn(
          "closing snapshot stream to {}: it has not taken data for {} ms",
          channel.remoteAddress(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unwritableSince));
      onSlowClose.run();
      channel.close();
    }
  }
}
