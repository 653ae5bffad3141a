package io.turnout.gateway.proxy.http2;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.turnout.gateway.config.Http2Settings;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Turns a client connection into an HTTP/2 connection: the frame codec with the configured limits,
 * the given handler that runs the streams from their frames, and {@link Http2ConnectionGuard} for
 * idle close, graceful close and the abuse meter.
 *
 * <pre>
 *   h2-flush       FlushConsolidationHandler  one write per event-loop turn for all streams
 *   h2             Http2FrameCodec        frames, HPACK, flow control, the http2.* limits
 *   h2-streams     (given)                the streams' exchanges, from their frames
 *   h2-connection  Http2ConnectionGuard   idle close, GOAWAY on shutdown, abuse meter
 * </pre>
 *
 * <p>Flushes: each stream's response is flushed when its upstream read ends, and on a TLS
 * connection every parent flush is a TLS record and a {@code write}. {@code h2-flush} holds flushes
 * made outside a read of this connection until the event loop's turn ends (and batches those made
 * within one), so the responses of every stream that an event-loop turn completed leave together,
 * as HAProxy's and nginx's h2 muxes do.
 *
 * <p>Each limit maps to a Netty enforcement: {@code maxResetsPerWindow}/{@code resetWindow} to
 * {@code decoderEnforceMaxRstFramesPerWindow} (rapid reset), {@code maxSmallContinuationFrames} to
 * {@code decoderEnforceMaxSmallContinuationFrames} (CONTINUATION flood), {@code
 * maxControlFramesQueued} to {@code encoderEnforceMaxQueuedControlFrames} (SETTINGS and PING
 * floods), {@code maxConsecutiveEmptyDataFrames} to {@code
 * decoderEnforceMaxConsecutiveEmptyDataFrames}, {@code maxHeaderListSize} and {@code
 * maxConcurrentStreams} to the SETTINGS the gateway announces and enforces.
 */
public final class Http2Connections {
  /** Flushes held at most before one goes through (Netty's default for the handler). */
  private static final int MAX_FLUSHES_HELD = 256;

  private Http2Connections() {}

  /**
   * Adds the HTTP/2 handlers at the end of {@code p} and turns on auto-read: a connection must read
   * its control frames whatever its streams are doing; stream flow-control windows bound the body
   * bytes it takes in.
   *
   * @param idleNanos an open connection with no stream for this long is closed (keep-alive timeout)
   * @param gracefulMillis how long a connection closed gracefully waits for its open streams
   * @param streams the connection's stream handler, behind the codec: it gets the frames and the
   *     stream events
   * @param isCloseIdle recognizes the event fired when the gateway shuts down
   * @param onAbuse called with the HTTP/2 error name when the gateway sends GOAWAY with an error
   */
  public static void install(
      ChannelPipeline p,
      Http2Settings settings,
      long idleNanos,
      long gracefulMillis,
      ChannelHandler streams,
      Predicate<Object> isCloseIdle,
      Consumer<String> onAbuse) {
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                io.netty.handler.codec.http2.Http2Settings.defaultSettings()
                    .maxConcurrentStreams(settings.maxConcurrentStreams())
                    .maxHeaderListSize(settings.maxHeaderListSize())
                    .initialWindowSize(settings.initialWindowSize()))
            .gracefulShutdownTimeoutMillis(gracefulMillis)
            .validateHeaders(true)
            .decoderEnforceMaxRstFramesPerWindow(
                settings.maxResetsPerWindow(), (int) settings.resetWindow().toSeconds())
            .decoderEnforceMaxSmallContinuationFrames(settings.maxSmallContinuationFrames())
            .decoderEnforceMaxConsecutiveEmptyDataFrames(settings.maxConsecutiveEmptyDataFrames())
            .encoderEnforceMaxQueuedControlFrames(settings.maxControlFramesQueued())
            .build();
    p.addLast("h2-flush", new FlushConsolidationHandler(MAX_FLUSHES_HELD, true));
    p.addLast("h2", codec);
    p.addLast("h2-streams", streams);
    p.addLast(
        "h2-connection",
        new Http2ConnectionGuard(codec, settings, idleNanos, isCloseIdle, onAbuse));
    p.channel().config().setAutoRead(true);
  }
}
