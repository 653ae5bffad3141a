package io.turnout.controller.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code /v1/snapshots} stream, in full mode (every event a whole snapshot) or delta mode
 * ({@code ?delta=1}: a full snapshot, then deltas).
 *
 * <p>Back-pressure: events are written only while the channel is writable (below its high water
 * mark); otherwise they wait in {@code pending}. In full mode a waiting snapshot is replaced by a
 * newer one (a slow gateway skips to the latest). In delta mode every delta is needed, so they
 * queue; a full snapshot drops what is queued before it; a subscriber with more than {@code
 * maxPending} deltas waiting is cut, and resumes with {@code Last-Event-ID} (held deltas, else a
 * full snapshot). Memory per subscriber is thus bounded by the water mark plus shared events. A
 * subscriber that takes nothing for the slow-client timeout (30 s by default) is cut too.
 *
 * <p>Threads: {@link #offer} is called by the stream thread; every other method, and every field,
 * belongs to the channel's event loop.
 */
final class Subscriber {
  private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
  private static final byte[] HEARTBEAT = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

  private final Channel channel;
  private final boolean deltas;
  private final long slowTimeoutNanos;
  private final int maxPending;
  private final Runnable onSlowClose;
  private long queuedVersion = -1;
  private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>();
  private long unwritableSince = -1;
  private ScheduledFuture<?> heartbeat;

  Subscriber(
      Channel channel,
      boolean deltas,
      long slowTimeoutNanos,
      int maxPending,
      Runnable onSlowClose) {
    this.channel = channel;
    this.deltas = deltas;
    this.slowTimeoutNanos = slowTimeoutNanos;
    this.maxPending = maxPending;
    this.onSlowClose = onSlowClose;
  }

  boolean deltas() {
    return deltas;
  }

  Channel channel() {
    return channel;
  }

  /** Hands {@code p} to the event loop with its own reference to the shared bytes. */
  void offer(Published p) {
    ByteBuf buf = p.event().retainedDuplicate();
    try {
      channel.eventLoop().execute(() -> deliver(p, buf));
    } catch (RejectedExecutionException shuttingDown) {
      buf.release(); // the server is closing; the stream ends with it
    }
  }

  /** The client said (Last-Event-ID) that it has {@code version}: do not send it again. */
  void alreadyHas(long version) {
    channel.eventLoop().execute(() -> queuedVersion = Math.max(queuedVersion, version));
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
    releasePending();
  }

  private void deliver(Published p, ByteBuf buf) {
    if (!channel.isActive() || p.version() <= queuedVersion) {
      buf.release();
      return;
    }
    if (!deltas || p.full()) {
      releasePending(); // a whole snapshot makes everything before it moot
    } else if (queuedVersion >= 0 && p.base() != queuedVersion) {
      buf.release();
      cut("missed the events between " + queuedVersion + " and " + p.base());
      return;
    }
    queuedVersion = p.version();
    if (pending.isEmpty() && channel.isWritable()) {
      write(buf);
      return;
    }
    pending.add(buf);
    markUnwritable();
    if (pending.size() > maxPending) {
      cut("it is more than " + maxPending + " events behind");
    }
  }

  void writabilityChanged() {
    if (!channel.isWritable()) {
      markUnwritable();
      return;
    }
    unwritableSince = -1;
    while (!pending.isEmpty() && channel.isWritable()) {
      write(pending.poll());
    }
  }

  private void write(ByteBuf buf) {
    channel.writeAndFlush(new DefaultHttpContent(buf));
    if (!channel.isWritable()) {
      markUnwritable();
    }
  }

  private void markUnwritable() {
    if (unwritableSince < 0) {
      unwritableSince = System.nanoTime();
    }
  }

  private void releasePending() {
    ByteBuf b;
    while ((b = pending.poll()) != null) {
      b.release();
    }
  }

  private void cut(String why) {
    log.warn("closing snapshot stream to {}: {}", channel.remoteAddress(), why);
    releasePending();
    onSlowClose.run();
    channel.close();
  }

  private void beat() {
    if (channel.isWritable() && pending.isEmpty()) {
      channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(HEARTBEAT)));
    } else if (unwritableSince >= 0 && System.nanoTime() - unwritableSince > slowTimeoutNanos) {
      cut(
          "it has not taken data for "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - unwritableSince)
              + " ms");
    }
  }
}
