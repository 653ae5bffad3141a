package io.turnout.gateway.source;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Streams routing snapshots from a Turnout controller ({@code GET <url>/v1/snapshots}, Server-Sent
 * Events) into the gateway.
 *
 * <ul>
 *   <li>Each {@code snapshot} event is parsed and offered to the sink, unless its routes equal the
 *       last applied ones (a controller restart or another replica re-sends the same routes under a
 *       new version; the gateway need not swap).
 *   <li>On any failure (refused, non-200, stream ended, nothing read for {@code readIdleTimeout})
 *       it reconnects with exponential backoff and jitter, sending {@code Last-Event-ID} so the
 *       controller skips a snapshot the gateway already has. Meanwhile the last good snapshot keeps
 *       serving: the source never offers an empty one.
 *   <li>With {@code deltas} (the default) it asks for {@code /v1/snapshots?delta=1}: after the
 *       first full snapshot, {@code delta} events carry only what changed, are applied to the hosts
 *       they touch, and are checked against the controller's checksum; on a mismatch (or a delta
 *       that does not apply) the source reconnects without {@code Last-Event-ID}, which brings a
 *       full snapshot. Queued events fold: a full snapshot drops everything queued before it, and
 *       consecutive deltas are applied to the sink as one change.
 *   <li>With a cache file, each applied snapshot is written to it atomically, and at start the file
 *       is offered first, so a gateway restarted while the controller is down still serves.
 * </ul>
 *
 * <p>Network I/O runs on one event loop (its own, or one of a group passed in); parsing, the sink
 * and the cache file run on a dedicated thread, so neither JSON work nor disk I/O ever runs on an
 * event loop.
 */
public interface ControllerSnapshotSource extends SnapshotSource {

  /**
   * @param controller base URL of the controller ({@code http://turnout-controller:8090})
   * @param cacheFile where to keep the last applied snapshot; null for none
   * @param initialBackoff delay before the first reconnect; doubles on each failure
   * @param maxBackoff cap of the reconnect delay
   * @param readIdleTimeout reconnect when nothing (not even a heartbeat) arrives for this long;
   *     keep it a few times the controller's heartbeat (10 s)
   * @param maxEventBytes largest snapshot event accepted; a bigger one drops the connection
   * @param streamToken bearer token sent to the controller, or null
   * @param deltas ask for {@code ?delta=1}: a full snapshot, then only changes
   */
  record Settings(
      URI controller,
      Path cacheFile,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration readIdleTimeout,
      int maxEventBytes,
      String streamToken,
      boolean deltas) {

    public static Settings of(URI controller) {
      return new Settings(
          controller,
          null,
          Duration.ofMillis(200),
          Duration.ofSeconds(8),
          Duration.ofSeconds(35),
          64 << 20,
          null,
          true);
    }

    public Settings withCacheFile(Path file) {
      return new Settings(
          controller,
          file,
          initialBackoff,
          maxBackoff,
          readIdleTimeout,
          maxEventBytes,
          streamToken,
          deltas);
    }

    public Settings withBackoff(Duration initial, Duration max) {
      return new Settings(
          controller, cacheFile, initial, max, readIdleTimeout, maxEventBytes, streamToken, deltas);
    }

    public Settings withReadIdleTimeout(Duration timeout) {
      return new Settings(
          controller,
          cacheFile,
          initialBackoff,
          maxBackoff,
          timeout,
          maxEventBytes,
          streamToken,
          deltas);
    }

    /** Sends {@code Authorization: Bearer <token>} (null: none). */
    public Settings withStreamToken(String token) {
      return new Settings(
          controller,
          cacheFile,
          initialBackoff,
          maxBackoff,
          readIdleTimeout,
          maxEventBytes,
          token,
          deltas);
    }

    /** Asks for deltas after the first full snapshot (the default) or full snapshots only. */
    public Settings withDeltas(boolean on) {
      return new Settings(
          controller,
          cacheFile,
          initialBackoff,
          maxBackoff,
          readIdleTimeout,
          maxEventBytes,
          streamToken,
          on);
    }
  }

  /** A source with its own single-threaded NIO event loop. */
  static ControllerSnapshotSource create(Settings settings) {
    return SseSnapshotSource.create(settings, null, null);
  }

  /**
   * A source that uses one loop of {@code group} (which it does not shut down).
   *
   * @param channelClass the socket channel type that fits the group's transport
   */
  static ControllerSnapshotSource create(
      Settings settings, EventLoopGroup group, Class<? extends SocketChannel> channelClass) {
    return SseSnapshotSource.create(settings, group, channelClass);
  }

  /** The controller stamps each version's drain; the gateway keeps no drain history of its own. */
  @Override
  default DrainAuthority drainAuthority() {
    return DrainAuthority.SNAPSHOT_STAMPS;
  }

  /** True while a stream to the controller is open. */
  boolean connected();

  /** The id of the last event received, or -1. */
  long lastEventId();
}
