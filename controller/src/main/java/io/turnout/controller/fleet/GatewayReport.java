package io.turnout.controller.fleet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One gateway's {@code POST /v1/reports} body: its counters per (host, version), totals since that
 * gateway process started (the format is documented on the gateway's {@code FleetReporter}).
 *
 * @param gateway the gateway process (pod name and pid)
 * @param instance this run of the process; a restart starts a new series
 * @param bounds latency bucket upper bounds in seconds, ascending
 * @param versions one entry per (host, version) the gateway has served
 * @param mirrors one entry per (host, version) that answered mirrored copies, apart from its live
 *     requests ({@code assetMisses} always 0); empty when the report has none
 */
public record GatewayReport(
    String gateway,
    String instance,
    double[] bounds,
    List<VersionCounts> versions,
    List<VersionCounts> mirrors) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_VERSIONS = 100_000;

  public GatewayReport {
    versions = List.copyOf(versions);
    mirrors = mirrors == null ? List.of() : List.copyOf(mirrors);
  }

  /** A report without mirror counts. */
  public GatewayReport(
      String gateway, String instance, double[] bounds, List<VersionCounts> versions) {
    this(gateway, instance, bounds, versions, List.of());
  }

  /**
   * Counters of one (host, version); {@code latency[i]} took at most {@code bounds[i]}; {@code
   * pinned} requests came from clients with a valid pin to this version (0 from older gateways).
   */
  public record VersionCounts(
      String host,
      String version,
      long requests,
      long errors,
      long assetMisses,
      long[] latency,
      long pinned) {
    /** Counters without a pinned count (a gateway that does not send one). */
    public VersionCounts(
        String host, String version, long requests, long errors, long assetMisses, long[] latency) {
      this(host, version, requests, errors, assetMisses, latency, 0);
    }
  }

  /** Parses and checks a report; the message of the exception names the bad field. */
  public static GatewayReport parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("report is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("report is not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("report must be a JSON object");
    }
    String gateway = text(root, "gateway");
    String instance = text(root, "instance");
    JsonNode b = root.get("bounds");
    if (b == null || !b.isArray() || b.isEmpty() || b.size() > 64) {
      throw new IllegalArgumentException("bounds: must be an array of 1..64 numbers");
    }
    double[] bounds = new double[b.size()];
    for (int i = 0; i < bounds.length; i++) {
      bounds[i] = b.get(i).asDouble(Double.NaN);
      if (!(bounds[i] > 0) || (i > 0 && bounds[i] <= bounds[i - 1])) {
        throw new IllegalArgumentException("bounds[" + i + "]: must be > 0 and ascending");
      }
    }
    JsonNode vs = root.get("versions");
    if (vs == null || !vs.isArray() || vs.size() > MAX_VERSIONS) {
      throw new IllegalArgumentException("versions: must be an array");
    }
    List<VersionCounts> versions = new ArrayList<>(vs.size());
    for (int i = 0; i < vs.size(); i++) {
      JsonNode v = vs.get(i);
      String at = "versions[" + i + "].";
      JsonNode lat = v.get("latency");
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
      versions.add(
          new VersionCounts(
              text(v, "host"),
              text(v, "version"),
              count(v, "requests", at),
              count(v, "errors", at),
              count(v, "assetMisses", at),
              latency,
              v.has("pinned") ? count(v, "pinned", at) : 0));
    }
    return new GatewayReport(
        gateway, instance, bounds, versions, MirrorCounts.parse(root.get("mirrors"), bounds));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty() || v.asText().length() > 253) {
      throw new IllegalArgumentException(field + ": must be a non-empty string");
    }
    return v.asText();
  }

  private static long count(JsonNode n, String field, String at) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || v.asLong() < 0) {
      throw new IllegalArgumentException(at + field + ": must be an integer >= 0");
    }
    return v.asLong();
  }
}
