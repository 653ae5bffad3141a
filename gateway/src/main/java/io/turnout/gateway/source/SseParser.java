package io.turnout.gateway.source;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream format, fields {@code event},
 * {@code id}, {@code data}; comments and {@code retry} ignored). Bytes arrive in arbitrary chunks;
 * an event is dispatched at the blank line that ends it.
 *
 * <p>Not thread-safe: one instance per connection, used on its event loop.
 */
final class SseParser {
  /** Gets each complete event; {@code event} defaults to "message" as in the spec. */
  @FunctionalInterface
  interface Listener {
    void onEvent(String event, String id, String data);
  }

  static final class TooLargeException extends Exception {
    TooLargeException(String message) {
      super(message);
    }
  }

  private final int maxEventBytes;
  private byte[] line = new byte[256];
  private int lineLength;
  private final StringBuilder data = new StringBuilder();
  private int eventBytes;
  private String event;
  private String id;
  private boolean hasData;
  private boolean skipLf;

  SseParser(int maxEventBytes) {
    this.maxEventBytes = maxEventBytes;
  }

  void feed(ByteBuf in, Listener listener) throws TooLargeException {
    while (in.isReadable()) {
      if (skipLf) {
        skipLf = false;
        if (in.getByte(in.readerIndex()) == '\n') {
          in.skipBytes(1);
          continue;
        }
      }
      int eol = in.forEachByte(b -> b != '\n' && b != '\r');
      if (eol < 0) {
        append(in, in.readableBytes());
        return;
      }
      append(in, eol - in.readerIndex());
      byte terminator = in.readByte();
      skipLf = terminator == '\r';
      processLine(listener);
    }
  }

  private void append(ByteBuf in, int n) throws TooLargeException {
    eventBytes += n;
    if (eventBytes > maxEventBytes) {
      throw new TooLargeException("snapshot event larger than " + maxEventBytes + " bytes");
    }
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
    }
    in.readBytes(line, lineLength, n);
    lineLength += n;
  }

  private void processLine(Listener listener) {
    String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
    lineLength = 0;
    if (line.length > 64 * 1024) {
      line = new byte[256]; // do not keep a snapshot-sized buffer between snapshots
    }
    if (text.isEmpty()) {
      if (hasData) {
        listener.onEvent(event == null ? "message" : event, id, data.toString());
      }
      event = null;
      data.setLength(0);
      hasData = false;
      eventBytes = 0;
      return;
    }
    if (text.charAt(0) == ':') {
      return; // comment: the controller's heartbeat
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> event = value;
      case "id" -> id = value;
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      default -> {
        // retry and unknown fields: ignored, as the spec says
      }
    }
  }
}
