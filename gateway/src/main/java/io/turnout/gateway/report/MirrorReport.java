package io.turnout.gateway.report;

import com.fasterxml.jackson.core.JsonGenerator;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.proxy.mirror.MirrorTotals;
import java.io.IOException;

/**
 * The {@code "mirrors"} part of the controller report: per (host, mirror version), the copies
 * answered, their 5xx and their latency buckets, totals since the gateway started like the live
 * counters and kept apart from them, so a rollout's mirror step judges copies only:
 *
 * <pre>
 * "mirrors":[{"host":"shop.example.com","version":"green","requests":600,"errors":0,
 *             "latency":[5,200,…,600]}]
 * </pre>
 *
 * <p>Stateless; called on the reporter's thread.
 */
final class MirrorReport {
  private MirrorReport() {}

  static void write(JsonGenerator g, GatewayMetrics metrics) throws IOException {
    g.writeArrayFieldStart("mirrors");
    for (MirrorTotals t : MirrorTotals.read(metrics)) {
      g.writeStartObject();
      g.writeStringField("host", t.host());
      g.writeStringField("version", t.version());
      g.writeNumberField("requests", t.requests());
      g.writeNumberField("errors", t.serverErrors());
      g.writeArrayFieldStart("latency");
      for (long c : t.latency()) {
        g.writeNumber(c);
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
