package io.turnout.bench.load;

import java.util.List;

/**
 * One load shape, run against every target with the same wrk command line. wrk sends no cookie, so
 * every request is a first visit: each proxy makes its weighted 90/10 choice and answers with its
 * sticky cookie (the most work a sticky proxy does per request).
 */
enum Scenario {
  GET_KEEPALIVE("get-keepalive", "small GET, keep-alive, 64 conns", 64, "/", List.of()),
  /**
   * The same requests below every target's capacity: each connection waits {@link #PACE_MS} between
   * a response and its next request, so all targets see about the same request rate and their
   * latencies compare at equal load; in the other scenarios each target runs at its own maximum.
   */
  GET_PACED(
      "get-paced",
      "small GET, 64 conns, each pausing " + Scenario.PACE_MS + " ms between requests",
      64,
      "/",
      List.of()),
  CONNECTIONS_1000("conns-1000", "small GET, 1,000 connections", 1000, "/", List.of()),
  BIG_RESPONSE("big-256k", "256 KiB responses, 64 conns", 64, "/big", List.of()),
  NEW_CONNECTION(
      "new-conn", "new connection per request, 64 conns", 64, "/", List.of("Connection: close")),
  POST_1MIB("post-1m", "1 MiB POST bodies, 64 conns", 64, "/upload", List.of()),
  SHIFT(
      "shift",
      "shift under load: weights change every second, blue/green switch, 64 conns",
      64,
      "/",
      List.of());

  /** The pause of {@link #GET_PACED} between a connection's requests, in milliseconds. */
  static final int PACE_MS = 2;

  /** Short id used in file names, the CSV and the chart. */
  final String id;

  final String title;
  final int connections;
  final String path;
  final List<String> extraHeaders;

  Scenario(String id, String title, int connections, String path, List<String> extraHeaders) {
    this.id = id;
    this.title = title;
    this.connections = connections;
    this.path = path;
    this.extraHeaders = extraHeaders;
  }

  /** The wrk Lua script's scenario-specific part (request shape, response accounting). */
  String luaBody() {
    return switch (this) {
      case POST_1MIB ->
          """
          wrk.method = "POST"
          wrk.body = string.rep("a", 1048576)
          wrk.headers["Content-Type"] = "application/octet-stream"
          """;
      case GET_PACED -> "function delay() return " + PACE_MS + " end\n";
      case SHIFT ->
          """
          -- Counts every response, so errors and where requests went are exact. Defining
          -- response() costs wrk some speed; all targets pay it alike.
          function response(status, headers, body)
            if status < 200 or status > 299 then non2xx = non2xx + 1 end
            local v = headers["x-version"]
            if v == "blue" then blue = blue + 1 elseif v == "green" then green = green + 1 end
          end
          """;
      default -> "";
    };
  }

  static Scenario byId(String id) {
    for (Scenario s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown scenario " + id);
  }
}
