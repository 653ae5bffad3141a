package io.turnout.bench.load;

import io.turnout.bench.upstream.FastUpstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a 100% mirror to a slow version costs the live path: the Turnout gateway in front of blue
 * (fast, {@link FastUpstream}) and green (the same app with every answer delayed), under wrk's
 * small-GET keep-alive load, with and without {@code mirror: 100} on green, interleaved (off on, on
 * off, ...) for several rounds. Reports live requests/s and p50/p99 per mode, the gateway's CPU per
 * 10,000 requests, and what happened to the copies (answered, dropped by reason, from the gateway's
 * own metrics).
 *
 * <p>Options: {@code --duration S} (per run, default 8), {@code --rounds N} (3), {@code --warmup S}
 * (10), {@code --delay-ms MS} (green's answer delay, 250), {@code --gateway-jar PATH}, {@code
 * --work DIR}, {@code --out DIR}. Writes {@code mirror-runs.csv} and {@code MIRROR.md} into the out
 * directory. Everything listens on 127.0.0.1 only.
 */
public final class MirrorBench {
  static final int BLUE_PORT = 19121;
  static final int GREEN_PORT = 19122;
  static final int TURNOUT_PORT = 18091;
  static final int ADMIN_PORT = 19931;

  private final int duration;
  private final int rounds;
  private final int warmup;
  private final int delayMs;
  private final Path jar;
  private final Path work;
  private final Path out;
  private final List<Process> processes = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private String loadBefore = "?";

  private MirrorBench(Map<String, String> o) {
    duration = Integer.parseInt(o.getOrDefault("duration", "8"));
    rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
    warmup = Integer.parseInt(o.getOrDefault("warmup", "10"));
    delayMs = Integer.parseInt(o.getOrDefault("delay-ms", "250"));
    jar = Path.of(o.getOrDefault("gateway-jar", "gateway/target/turnout-gateway.jar"));
    work = Path.of(o.getOrDefault("work", "bench/target/mirror")).toAbsolutePath();
    out = Path.of(o.getOrDefault("out", "bench/results")).toAbsolutePath();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    MirrorBench bench = new MirrorBench(opts);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
    try {
      bench.run();
    } finally {
      bench.stopAll();
    }
  }

  /** One measured run. */
  record Run(
      String mode,
      int round,
      double rps,
      double p50Ms,
      double p99Ms,
      long errors,
      double cpuPer10k,
      double copiesAnswered,
      Map<String, Double> dropped,
      double greenCpuSeconds,
      double machineBusy) {}

  private void run() throws Exception {
    Files.createDirectories(work);
    Files.createDirectories(out);
    loadBefore = String.valueOf(Machine.loadAverage());
    String benchJar =
        Path.of(FastUpstream.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString();
    startApp(benchJar, "blue", BLUE_PORT, 0);
    Process green = startApp(benchJar, "green", GREEN_PORT, delayMs);
    writeConfig(0);
    Process gw =
        start(
            "gateway",
            List.of(
                "java",
                "-Xms128m",
                "-Xmx128m",
                "-XX:+UseParallelGC",
                "-jar",
                jar.toAbsolutePath().toString(),
                "--config",
                work.resolve("turnout.yaml").toString()));
    awaitReady();
    Path script = Wrk.script(work, Scenario.GET_KEEPALIVE);
    List<String> wrk =
        Wrk.command(
            Scenario.GET_KEEPALIVE, script, "http://127.0.0.1:" + TURNOUT_PORT + "/", duration);
    log("warming up for " + warmup + " s (mirror on half the time)");
    writeConfig(100);
    Thread.sleep(1000);
    Wrk.run(warmCommand(script, Math.max(1, warmup / 2)), warmup / 2);
    writeConfig(0);
    Thread.sleep(1000);
    Wrk.run(warmCommand(script, Math.max(1, warmup / 2)), warmup / 2);

    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      // ABBA order (off on, on off, ...): a machine getting busier or quieter over the run
      // does not favour one mode.
      for (String mode : round % 2 == 1 ? List.of("off", "on") : List.of("on", "off")) {
        writeConfig(mode.equals("on") ? 100 : 0);
        Thread.sleep(1500); // the file is polled every 200 ms; copies of the last run time out
        Map<String, Double> before = mirrorCounters();
        long ticks0 = Procs.cpuTicks(gw.pid());
        long greenTicks0 = Procs.cpuTicks(green.pid());
        long[] machine0 = machineTicks();
        Map<String, Long> m = Wrk.run(wrk, duration);
        long ticks1 = Procs.cpuTicks(gw.pid());
        long greenTicks1 = Procs.cpuTicks(green.pid());
        long[] machine1 = machineTicks();
        long total = machine1[0] - machine0[0];
        double busy = total <= 0 ? 0 : 1 - (double) (machine1[1] - machine0[1]) / total;
        Map<String, Double> after = mirrorCounters();
        long requests = m.get("requests");
        double cpu = (ticks1 - ticks0) / Procs.TICKS_PER_SECOND;
        Map<String, Double> dropped = new LinkedHashMap<>();
        after.forEach(
            (k, v) -> {
              if (k.startsWith("dropped:")) {
                double d = v - before.getOrDefault(k, 0.0);
                if (d > 0) {
                  dropped.put(k.substring(8), d);
                }
              }
            });
        Run r =
            new Run(
                mode,
                round,
                requests / (m.get("duration_us") / 1e6),
                m.get("p50_us") / 1000.0,
                m.get("p99_us") / 1000.0,
                m.get("connect")
                    + m.get("read")
                    + m.get("write")
                    + m.get("timeout")
                    + m.get("status"),
                requests == 0 ? 0 : cpu / requests * 10_000,
                after.getOrDefault("answered", 0.0) - before.getOrDefault("answered", 0.0),
                dropped,
                (greenTicks1 - greenTicks0) / Procs.TICKS_PER_SECOND,
                busy);
        runs.add(r);
        log(
            String.format(
                "round %d mirror %-3s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d  cpu"
                    + " %.3f s/10k  copies answered %.0f  dropped %s  green cpu %.2f s  machine"
                    + " busy %.0f%%",
                round,
                mode,
                r.rps,
                r.p50Ms,
                r.p99Ms,
                r.errors,
                r.cpuPer10k,
                r.copiesAnswered,
                r.dropped,
                r.greenCpuSeconds,
                r.machineBusy * 100));
      }
    }
    write(runs);
  }

  private List<String> warmCommand(Path script, int seconds) {
    return Wrk.command(
        Scenario.GET_KEEPALIVE, script, "http://127.0.0.1:" + TURNOUT_PORT + "/", seconds);
  }

  private void writeConfig(int mirror) throws IOException {
    String yaml =
        """
        # Turnout under the mirror benchmark: blue serves everyone; green is dark and slow.
        listen: { http: %d, admin: %d }
        accessLog: false
        affinity: { cookie: turnout, secret: bench-secret-not-for-production }
        shutdown: { drainDelay: 0s, timeout: 2s }
        mirror: { maxInFlight: 64, timeout: 5s }
        hosts:
          - host: %s
            routes:
              - path: /
                versions:
                  - {name: blue, weight: 100, endpoints: ["127.0.0.1:%d"]}
                  - {name: green, weight: 0, mirror: %d, endpoints: ["127.0.0.1:%d"]}
        """
            .formatted(TURNOUT_PORT, ADMIN_PORT, Target.HOST, BLUE_PORT, mirror, GREEN_PORT);
    Path tmp = work.resolve("turnout.yaml.tmp");
    Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
    Files.move(
        tmp,
        work.resolve("turnout.yaml"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The gateway's mirror counters for green: "answered" and "dropped:REASON". */
  private Map<String, Double> mirrorCounters() throws IOException, InterruptedException {
    String text =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ADMIN_PORT + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> c = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      double v;
      try {
        v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } catch (RuntimeException e) {
        continue;
      }
      if (line.startsWith("turnout_mirror_requests_total{")) {
        c.merge("answered", v, Double::sum);
      } else if (line.startsWith("turnout_mirror_dropped_total{")) {
        int at = line.indexOf("reason=\"") + 8;
        c.merge("dropped:" + line.substring(at, line.indexOf('"', at)), v, Double::sum);
      }
    }
    return c;
  }

  private void write(List<Run> runs) throws IOException {
    try (PrintWriter w =
        new PrintWriter(
            Files.newBufferedWriter(out.resolve("mirror-runs.csv"), StandardCharsets.UTF_8))) {
      w.println("mode,round,rps,p50_ms,p99_ms,errors,cpu_s_per_10k,copies_answered,dropped");
      for (Run r : runs) {
        w.printf(
            "%s,%d,%.0f,%.3f,%.3f,%d,%.4f,%.0f,%s%n",
            r.mode,
            r.round,
            r.rps,
            r.p50Ms,
            r.p99Ms,
            r.errors,
            r.cpuPer10k,
            r.copiesAnswered,
            r.dropped.toString().replace(",", ";"));
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Mirroring: what a 100% mirror to a slow version costs the live path\n\n")
        .append("Generated by `bench/run.sh --mirror-only` (")
        .append(MirrorBench.class.getSimpleName())
        .append("). wrk, small GET keep-alive, ")
        .append(Scenario.GET_KEEPALIVE.connections)
        .append(" connections, ")
        .append(duration)
        .append(" s per run, ")
        .append(rounds)
        .append(
            " interleaved rounds (ABBA order); medians. Live: blue (fast). Mirror: green, every answer ")
        .append(delayMs)
        .append(" ms late; `mirror: { maxInFlight: 64, timeout: 5s }`.\n\n")
        .append("| mirror | live req/s | live p50 ms | live p99 ms | errors | gateway CPU s/10k")
        .append(" | copies answered/s | copies dropped/s (reason) |\n")
        .append("|---|---|---|---|---|---|---|---|\n");
    for (String mode : List.of("off", "on")) {
      List<Run> rs = runs.stream().filter(r -> r.mode.equals(mode)).toList();
      Map<String, Double> drops = new LinkedHashMap<>();
      for (Run r : rs) {
        r.dropped.forEach((k, v) -> drops.merge(k, v / rs.size() / duration, Double::sum));
      }
      StringBuilder d = new StringBuilder();
      drops.forEach((k, v) -> d.append(String.format("%.0f (%s) ", v, k)));
      md.append(
          String.format(
              "| %s | %.0f | %.2f | %.2f | %d | %.3f | %.0f | %s|%n",
              mode.equals("on") ? "100% to green" : "none",
              median(rs, Run::rps),
              median(rs, Run::p50Ms),
              median(rs, Run::p99Ms),
              rs.stream().mapToLong(Run::errors).sum(),
              median(rs, Run::cpuPer10k),
              median(rs, Run::copiesAnswered) / duration,
              d.length() == 0 ? "0 " : d.toString()));
    }
    md.append(
            "\nEvery run, in the order measured (the spread is the machine's, shared with other work):\n\n")
        .append("| round | mirror | live req/s | p50 ms | p99 ms | errors | CPU s/10k |")
        .append(" copies answered | dropped | green app CPU s | machine busy |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Run r : runs) {
      md.append(
          String.format(
              "| %d | %s | %.0f | %.2f | %.2f | %d | %.3f | %.0f | %s | %.2f | %.0f%% |%n",
              r.round,
              r.mode,
              r.rps,
              r.p50Ms,
              r.p99Ms,
              r.errors,
              r.cpuPer10k,
              r.copiesAnswered,
              r.dropped.isEmpty() ? "0" : r.dropped.toString(),
              r.greenCpuSeconds,
              r.machineBusy * 100));
    }
    md.append("\nLoad average before: ")
        .append(loadBefore)
        .append("; after: ")
        .append(Machine.loadAverage())
        .append(" (2 cores).\n");
    md.append(
        "\nCopies beyond `mirror.maxInFlight` are dropped (reason `limit`) rather than queued:"
            + " with green answering in "
            + delayMs
            + " ms, 64 copies in flight carry at most "
            + (64 * 1000 / Math.max(1, delayMs))
            + " copies/s, and the rest of the 100% is shed. Both modes share 2 cores with wrk,"
            + " the two apps and whatever else runs: read the medians next to the per-run"
            + " spread above, which is the machine's.\n");
    Files.writeString(out.resolve("MIRROR.md"), md.toString());
    log("wrote " + out.resolve("MIRROR.md"));
  }

  private static double median(List<Run> rs, java.util.function.ToDoubleFunction<Run> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return 0;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** All cores' jiffies from /proc/stat: {total, idle + iowait}. */
  private static long[] machineTicks() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long total = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      total += Long.parseLong(f[i]);
    }
    return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
  }

  private Process startApp(String benchJar, String name, int port, int delay) throws IOException {
    return start(
        "app-" + name,
        List.of(
            "java",
            "-Xms128m",
            "-Xmx128m",
            "-XX:+UseParallelGC",
            "-cp",
            benchJar,
            FastUpstream.class.getName(),
            name,
            Integer.toString(port),
            "1",
            Integer.toString(delay)));
  }

  private Process start(String name, List<String> cmd) throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile())
            .start();
    processes.add(p);
    return p;
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        int code =
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ADMIN_PORT + "/readyz"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (code == 200) {
          return;
        }
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the gateway did not become ready; see " + work);
  }

  private synchronized void stopAll() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    processes.clear();
  }

  private static void log(String msg) {
    System.out.println("[mirror] " + msg);
  }
}
