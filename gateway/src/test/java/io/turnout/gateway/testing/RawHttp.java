package io.turnout.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Speaks HTTP/1.1 over a plain socket, byte for byte as written, for requests no well-behaved
 * client would send. Text is ISO-8859-1 so every byte 0..255 round-trips.
 */
public final class RawHttp {
  private RawHttp() {}

  /** What came back: everything read until the server closed, or until the read timeout. */
  public record Exchange(String response, boolean closed) {
    /** The status code of the first response, or -1 when nothing parseable came back. */
    public int status() {
      if (!response.startsWith("HTTP/1.")) {
        return -1;
      }
      int sp = response.indexOf(' ');
      try {
        return Integer.parseInt(response.substring(sp + 1, sp + 4));
      } catch (RuntimeException e) {
        return -1;
      }
    }

    public String head() {
      int end = response.indexOf("\r\n\r\n");
      return end < 0 ? response : response.substring(0, end);
    }

    public String body() {
      int end = response.indexOf("\r\n\r\n");
      return end < 0 ? "" : response.substring(end + 4);
    }
  }

  /**
   * Sends {@code request} and reads until the server closes the connection or {@code timeoutMillis}
   * passes without a byte.
   */
  public static Exchange exchange(int port, String request, int timeoutMillis) {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), timeoutMillis);
  }

  public static Exchange exchange(int port, byte[] request, int timeoutMillis) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(timeoutMillis);
      OutputStream out = s.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException e) {
        // The server may close before taking everything; what it answered still counts.
      }
      return readUntilClosed(s.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one response head, through its blank line; IOException if the server closes first. */
  public static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  /** Reads until EOF (closed = true) or a read times out or is reset (closed = reset). */
  public static Exchange readUntilClosed(InputStream in) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    boolean closed;
    try {
      while (true) {
        int n = in.read(buf);
        if (n < 0) {
          closed = true;
          break;
        }
        got.write(buf, 0, n);
      }
    } catch (SocketTimeoutException e) {
      closed = false;
    } catch (IOException e) {
      closed = true; // reset: closed, if not gracefully
    }
    return new Exchange(got.toString(StandardCharsets.ISO_8859_1), closed);
  }
}
