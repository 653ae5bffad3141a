package io.turnout.controller.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the optional {@code "mirrors"} array of a gateway report: per (host, version), copies
 * answered, their 5xx and latency buckets on the report's bounds (the format is documented on the
 * gateway's {@code MirrorReport}). Missing means no copies; a present but malformed entry refuses
 * the report with the field named, as for {@code versions}.
 */
final class MirrorCounts {
  private static final int MAX_ENTRIES = 100_000;

  private MirrorCounts() {}

  static List<GatewayReport.VersionCounts> parse(JsonNode ms, double[] bounds) {
    if (ms == null || ms.isNull()) {
      return List.of();
    }
    if (!ms.isArray() || ms.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("mirrors: must be an array");
    }
    List<GatewayReport.VersionCounts> out = new ArrayList<>(ms.size());
    for (int i = 0; i < ms.size(); i++) {
      JsonNode m = ms.get(i);
      String at = "mirrors[" + i + "].";
      JsonNode lat = m.get("latency");
      if (lat == null || !lat.isArray() || lat.size() != bounds.length) {
        throw new IllegalArgumentException(at + "latency: must have one count per bound");
      }
      long[] latency = new long[bounds.length];
      for (int k = 0; k < latency.length; k++) {
        latency[k] = lat.get(k).asLong(-1);
        if (latency[k] < 0) {
          throw new IllegalArgumentException(at + "latency[" + k + "]: must be >= 0");
        }
      }
      out.add(
          new GatewayReport.VersionCounts(
              text(m, at + "host", "host"),
              text(m, at + "version", "version"),
              count(m, at, "requests"),
              count(m, at, "errors"),
              0,
              latency));
    }
    return out;
  }

  private static String text(JsonNode n, String name, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty() || v.asText().length() > 253) {
      throw new IllegalArgumentException(name + ": must be a non-empty string");
    }
    return v.asText();
  }

  private static long count(JsonNode n, String at, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
      throw new IllegalArgumentException(at + field + ": must be an integer >= 0");
    }
    return v.asLong();
  }
}
