package io.turnout.controller.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotDelta;
import io.turnout.gateway.snapshot.SnapshotJson;
import java.nio.charset.StandardCharsets;

/**
 * One stream event encoded once: a full snapshot ({@code event: snapshot}) or a delta ({@code
 * event: delta}). Every subscriber writes a {@link ByteBuf#retainedDuplicate()} of the same bytes,
 * so ninety gateways cost one encoding and one copy in memory.
 *
 * <p>The shared buffer is an unpooled heap buffer that nobody releases (the garbage collector
 * reclaims it with the last reference); duplicates are retained and released as usual.
 *
 * @param version the snapshot version after this event (the SSE id)
 * @param base for a delta, the version it applies to; for a full snapshot, -1
 */
record Published(long version, long base, ByteBuf event) {
  boolean full() {
    return base < 0;
  }

  int size() {
    return event.readableBytes();
  }

  static Published full(Snapshot snapshot) {
    return new Published(snapshot.version(), -1, encode("snapshot", snapshot.version(), snapshot));
  }

  static Published delta(SnapshotDelta delta) {
    return new Published(delta.version(), delta.base(), encode("delta", delta.version(), delta));
  }

  private static ByteBuf encode(String type, long id, Object value) {
    // Jackson escapes newlines inside strings, so the JSON is one line and needs one data: field.
    String json = SnapshotJson.toJson(value);
    StringBuilder sb = new StringBuilder(json.length() + 64);
    sb.append("event: ")
        .append(type)
        .append("\nid: ")
        .append(id)
        .append("\ndata: ")
        .append(json)
        .append("\n\n");
    return Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
