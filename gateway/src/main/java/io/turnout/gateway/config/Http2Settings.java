package io.turnout.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * HTTP/2 on the client side: whether it is offered, and the limits that keep one connection from
 * costing more than its share. A connection that breaks a limit gets GOAWAY and is closed; the
 * streams it opened never reach an upstream beyond what the limits allow.
 *
 * @param enabled whether h2 is offered: by ALPN on the HTTPS listener and with prior knowledge on
 *     the plain listener (default true)
 * @param maxConcurrentStreams streams a client may have open at once on one connection; more are
 *     refused with RST_STREAM(REFUSED_STREAM) (default 100)
 * @param maxHeaderListSize decoded size of one request's header list in bytes (HPACK bombs); larger
 *     gets 431, much larger closes the connection (default 16384)
 * @param initialWindowSize the flow-control window of each stream in bytes: how much request body a
 *     client may send ahead of an upstream that is not taking it (default 65535)
 * @param maxResetsPerWindow RST_STREAM frames a client may send in {@code resetWindow} before the
 *     connection is closed (rapid reset, CVE-2023-44487) (default 200)
 * @param resetWindow the window for {@code maxResetsPerWindow}, whole seconds (default 30s)
 * @param maxControlFramesQueued control frames (SETTINGS and PING acks, RST_STREAM) queued for a
 *     client that does not read them before the connection is closed (default 10000)
 * @param maxSmallContinuationFrames CONTINUATION frames of under 16 KiB in a row before the
 *     connection is closed (CONTINUATION flood, CVE-2024-27316) (default 16)
 * @param maxConsecutiveEmptyDataFrames empty DATA frames in a row before the connection is closed
 *     (default 2)
 */
public record Http2Settings(
    Boolean enabled,
    Integer maxConcurrentStreams,
    Integer maxHeaderListSize,
    Integer initialWindowSize,
    Integer maxResetsPerWindow,
    Duration resetWindow,
    Integer maxControlFramesQueued,
    Integer maxSmallContinuationFrames,
    Integer maxConsecutiveEmptyDataFrames) {
  public static final Http2Settings DEFAULTS =
      new Http2Settings(null, null, null, null, null, null, null, null, null);

  public Http2Settings {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    maxConcurrentStreams = maxConcurrentStreams == null ? 100 : maxConcurrentStreams;
    maxHeaderListSize = maxHeaderListSize == null ? 16384 : maxHeaderListSize;
    initialWindowSize = initialWindowSize == null ? 65535 : initialWindowSize;
    maxResetsPerWindow = maxResetsPerWindow == null ? 200 : maxResetsPerWindow;
    resetWindow = resetWindow == null ? Duration.ofSeconds(30) : resetWindow;
    maxControlFramesQueued = maxControlFramesQueued == null ? 10000 : maxControlFramesQueued;
    maxSmallContinuationFrames =
        maxSmallContinuationFrames == null ? 16 : maxSmallContinuationFrames;
    maxConsecutiveEmptyDataFrames =
        maxConsecutiveEmptyDataFrames == null ? 2 : maxConsecutiveEmptyDataFrames;
  }

  /** Adds a message naming the field for each value out of range. */
  public void validate(String field, List<String> problems) {
    range(maxConcurrentStreams, 1, Integer.MAX_VALUE, field + ".maxConcurrentStreams", problems);
    range(maxHeaderListSize, 1024, Integer.MAX_VALUE, field + ".maxHeaderListSize", problems);
    // RFC 9113 6.5.2: at most 2^31-1; below 16 KiB a browser's first request stalls on updates.
    range(initialWindowSize, 16384, Integer.MAX_VALUE, field + ".initialWindowSize", problems);
    range(maxResetsPerWindow, 1, Integer.MAX_VALUE, field + ".maxResetsPerWindow", problems);
    if (resetWindow.toSeconds() < 1 || resetWindow.toMillis() % 1000 != 0) {
      problems.add(
          field
              + ".resetWindow: must be whole seconds, >= 1s, was "
              + Durations.format(resetWindow));
    }
    range(
        maxControlFramesQueued, 1, Integer.MAX_VALUE, field + ".maxControlFramesQueued", problems);
    range(
        maxSmallContinuationFrames,
        1,
        Integer.MAX_VALUE,
        field + ".maxSmallContinuationFrames",
        problems);
    range(
        maxConsecutiveEmptyDataFrames,
        1,
        Integer.MAX_VALUE,
        field + ".maxConsecutiveEmptyDataFrames",
        problems);
  }

  private static void range(long v, long min, long max, String field, List<String> problems) {
    if (v < min || v > max) {
      problems.add(field + ": must be " + min + ".." + max + ", was " + v);
    }
  }
}
