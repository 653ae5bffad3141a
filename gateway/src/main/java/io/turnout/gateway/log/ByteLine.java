package io.turnout.gateway.log;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Arrays;

/**
 * A reusable line of UTF-8 bytes, built field by field without creating strings: the access log
 * formats every request's line into the event loop's one instance and hands the bytes to a {@link
 * LineBatcher}.
 *
 * <p>Not thread-safe: one per producer thread (see {@link #forThisThread()}).
 */
public final class ByteLine {
  private static final ThreadLocal<ByteLine> LOCAL = ThreadLocal.withInitial(ByteLine::new);

  private final LogTimestamp timestamp = new LogTimestamp(ZoneId.systemDefault());
  private byte[] bytes = new byte[512];
  private int length;

  /** The calling thread's instance, cleared. */
  public static ByteLine forThisThread() {
    return LOCAL.get().clear();
  }

  public ByteLine clear() {
    length = 0;
    return this;
  }

  public byte[] array() {
    return bytes;
  }

  public int length() {
    return length;
  }

  /** The text from {@code from} to the end (for a logger that takes strings). */
  public String toString(int from) {
    return new String(bytes, from, length - from, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return toString(0);
  }

  /**
   * The wall-clock time of {@code epochMillis}, as logback's {@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX}.
   */
  public ByteLine timestamp(long epochMillis) {
    timestamp.appendTo(this, epochMillis);
    return this;
  }

  /** A string as is (UTF-8); "null" for null, as StringBuilder would. */
  public ByteLine text(String s) {
    if (s == null) {
      return ascii("null");
    }
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        // Rare (header values are Latin-1 at most): the JDK's encoder for the rest.
        return bytes(s.substring(i).getBytes(StandardCharsets.UTF_8));
      }
      bytes[length++] = (byte) c;
    }
    return this;
  }

  /** A literal known to be ASCII. */
  public ByteLine ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[length++] = (byte) s.charAt(i);
    }
    return this;
  }

  /**
   * Untrusted text, at most {@code max} characters (then "..."): spaces, quotes, control and
   * non-ASCII characters become '%', so a line always splits on spaces; "-" for null.
   */
  public ByteLine safe(String s, int max) {
    if (s == null) {
      return ascii("-");
    }
    int n = Math.min(s.length(), max);
    ensure(n + 3);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      bytes[length++] = (byte) (c <= ' ' || c == '"' || c >= 127 ? '%' : c);
    }
    if (s.length() > max) {
      ascii("...");
    }
    return this;
  }

  public ByteLine number(long v) {
    if (v == Long.MIN_VALUE) {
      return ascii(Long.toString(v));
    }
    ensure(20);
    if (v < 0) {
      bytes[length++] = '-';
      v = -v;
    }
    int start = length;
    do {
      bytes[length++] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    for (int i = start, j = length - 1; i < j; i++, j--) {
      byte t = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = t;
    }
    return this;
  }

  public ByteLine ascii(char c) {
    ensure(1);
    bytes[length++] = (byte) c;
    return this;
  }

  ByteLine digit(int d) {
    return ascii((char) ('0' + d));
  }

  ByteLine bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, bytes, length, b.length);
    length += b.length;
    return this;
  }

  private void ensure(int more) {
    if (length + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
    }
  }
}
