package io.turnout.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs wrk once and reads its numbers. A Lua {@code done()} hook prints one {@code RESULT} line
 * with exact counts and the p50/p99/p99.9 latencies (wrk's own {@code --latency} table stops at
 * p99). The run is bounded by wrk's {@code -d} and, as a guard, killed 30 s after that.
 */
final class Wrk {
  static final int THREADS = 2;
  static final String TIMEOUT = "5s";

  private static final String DONE =
      """
      -- Every wrk thread's counters, summed in done().
      local threads = {}
      function setup(thread) table.insert(threads, thread) end
      function init(args) non2xx = 0; blue = 0; green = 0 end

      function done(summary, latency, requests)
        local n2, b, g = 0, 0, 0
        for _, t in ipairs(threads) do
          n2 = n2 + t:get("non2xx"); b = b + t:get("blue"); g = g + t:get("green")
        end
        local e = summary.errors
        io.write(string.format(
          "RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d"
            .. " timeout=%d p50_us=%d p99_us=%d p999_us=%d non2xx=%d blue=%d green=%d\\n",
          summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
          e.status, e.timeout, latency:percentile(50), latency:percentile(99),
          latency:percentile(99.9), n2, b, g))
      end
      """;

  private Wrk() {}

  /** Writes the scenario's Lua script into {@code dir} and returns its path. */
  static Path script(Path dir, Scenario s) throws IOException {
    Path file = dir.resolve(s.id + ".lua");
    Files.writeString(file, "-- wrk script of scenario " + s.id + "\n" + s.luaBody() + DONE);
    return file;
  }

  static List<String> command(Scenario s, Path script, String url, int seconds) {
    List<String> cmd = new ArrayList<>();
    cmd.addAll(List.of("wrk", "-t" + THREADS, "-c" + s.connections, "-d" + seconds + "s"));
    cmd.addAll(List.of("--timeout", TIMEOUT, "-s", script.toString()));
    cmd.addAll(List.of("-H", "Host: " + Target.HOST));
    for (String h : s.extraHeaders) {
      cmd.addAll(List.of("-H", h));
    }
    cmd.add(url);
    return cmd;
  }

  /** Runs wrk and returns the fields of its RESULT line. */
  static Map<String, Long> run(List<String> cmd, int seconds)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out;
    try (var in = p.getInputStream()) {
      // wrk prints everything at the end; reading to EOF waits for it.
      out = in.readAllBytes();
    }
    if (!p.waitFor(seconds + 30L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("wrk did not finish: " + String.join(" ", cmd));
    }
    String text = new String(out, StandardCharsets.UTF_8);
    for (String line : text.split("\n")) {
      if (line.startsWith("RESULT ")) {
        Map<String, Long> m = new HashMap<>();
        for (String kv : line.substring(7).trim().split(" ")) {
          int eq = kv.indexOf('=');
          m.put(kv.substring(0, eq), Long.parseLong(kv.substring(eq + 1)));
        }
        return m;
      }
    }
    throw new IOException("no RESULT line from wrk (" + String.join(" ", cmd) + "):\n" + text);
  }
}
