package io.turnout.controller.server;

import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import java.nio.charset.StandardCharsets;

/**
 * A snapshot encoded once as its SSE event. Every subscriber writes a wrapper of the same bytes, so
 * a thousand gateways cost one encoding and one copy of the snapshot in memory.
 */
record Published(long version, byte[] event) {
  static Published of(Snapshot snapshot) {
    // Jackson escapes newlines inside strings, so the JSON is one line and needs one data: field.
    String json = SnapshotJson.toJson(snapshot);
    StringBuilder sb = new StringBuilder(json.length() + 64);
    sb.append("event: snapshot\nid: ")
        .append(snapshot.version())
        .append("\ndata: ")
        .append(json)
        .append("\n\n");
    return new Published(snapshot.version(), sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
