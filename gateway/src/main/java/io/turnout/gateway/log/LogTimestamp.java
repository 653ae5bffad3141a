package io.turnout.gateway.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 local time with milliseconds and offset, {@code 2026-11-30T01:02:03.456Z} or {@code
 * ...456+01:00}: the same text as logback's {@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}}. The text up
 * to the seconds and the offset are formatted once per second; each line only writes the
 * milliseconds.
 *
 * <p>Not thread-safe: one per producer thread.
 */
final class LogTimestamp {
  private static final DateTimeFormatter TO_SECONDS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.");
  private static final DateTimeFormatter OFFSET = DateTimeFormatter.ofPattern("XXX");

  private final ZoneId zone;
  private long second = Long.MIN_VALUE;
  private byte[] prefix;
  private byte[] offset;

  LogTimestamp(ZoneId zone) {
    this.zone = zone;
  }

  /** Writes the timestamp of {@code epochMillis} into {@code line}. */
  void appendTo(ByteLine line, long epochMillis) {
    long s = Math.floorDiv(epochMillis, 1000);
    if (s != second) {
      var t = Instant.ofEpochSecond(s).atZone(zone);
      prefix = TO_SECONDS.format(t).getBytes(StandardCharsets.US_ASCII);
      offset = OFFSET.format(t).getBytes(StandardCharsets.US_ASCII);
      second = s;
    }
    int millis = (int) Math.floorMod(epochMillis, 1000);
    line.bytes(prefix).digit(millis / 100).digit(millis / 10 % 10).digit(millis % 10).bytes(offset);
  }
}
