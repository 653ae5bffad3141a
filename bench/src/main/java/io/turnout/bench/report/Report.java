package io.turnout.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.CategoryStyler;

/**
 * Turns the load benchmark's CSV and JSON and JMH's JSON result into {@code RESULTS.md} and {@code
 * load-chart.png}: medians over rounds per scenario and target, Turnout's ratios to nginx and
 * HAProxy, the targets of issue 14 checked against the numbers, and the microbenchmarks.
 *
 * <p>Usage: {@code Report RESULTS_DIR}. Reads {@code load-runs.csv}, {@code load-meta.json} and
 * (optional) {@code jmh.json} there, plus {@code NOTES.md} (optional, hand-written analysis) which
 * is appended as is.
 */
public final class Report {
  static final List<String> TARGETS = List.of("direct", "turnout", "nginx", "haproxy");

  /** Netty relays that bound what any proxy on Netty and the JVM could reach (see floorSection). */
  static final List<String> FLOORS = List.of("relay-bytes", "relay-http");

  static final Map<String, Color> COLORS =
      Map.of(
          "direct", new Color(0x9E9E9E),
          "turnout", new Color(0x2E7D32),
          "nginx", new Color(0x1565C0),
          "haproxy", new Color(0xEF6C00));
  static final Map<String, String> TITLES = new LinkedHashMap<>();

  static {
    TITLES.put("get-keepalive", "Small GET, keep-alive, 64 connections");
    TITLES.put("conns-1000", "Small GET, 1,000 connections");
    TITLES.put("big-256k", "256 KiB responses, 64 connections");
    TITLES.put("new-conn", "New connection per request (Connection: close), 64 connections");
    TITLES.put("post-1m", "1 MiB POST bodies, 64 connections");
    TITLES.put("shift", "Shift under load: weights change every second + blue/green switch");
  }

  private final Path dir;
  private final List<Run> runs = new ArrayList<>();
  private final JsonNode meta;
  private final JsonNode jmh;

  private Report(Path dir) throws IOException {
    this.dir = dir;
    List<String> lines = Files.readAllLines(dir.resolve("load-runs.csv"));
    for (String l : lines.subList(1, lines.size())) {
      if (!l.isBlank()) {
        runs.add(Run.parse(l));
      }
    }
    ObjectMapper json = new ObjectMapper();
    meta = json.readTree(dir.resolve("load-meta.json").toFile());
    Path jmhFile = dir.resolve("jmh.json");
    jmh = Files.exists(jmhFile) ? json.readTree(jmhFile.toFile()) : null;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "bench/results");
    Report r = new Report(dir);
    r.chart(dir.resolve("load-chart.png"));
    Files.writeString(dir.resolve("RESULTS.md"), r.markdown(), StandardCharsets.UTF_8);
    System.out.println("[report] wrote " + dir.resolve("RESULTS.md") + " and load-chart.png");
  }

  // ------------------------------------------------------------------------------ numbers

  /** One CSV line of the load benchmark. */
  record Run(
      String scenario,
      String target,
      int round,
      double rps,
      double p50,
      double p99,
      double p999,
      long requests,
      long socketErrors,
      long non2xx,
      double cpuPer10k,
      double rssMiB,
      long blue,
      long green,
      double endRssMiB) {
    static Run parse(String line) {
      String[] f = line.split(",");
      return new Run(
          f[0],
          f[1],
          Integer.parseInt(f[2]),
          Double.parseDouble(f[3]),
          Double.parseDouble(f[4]),
          Double.parseDouble(f[5]),
          Double.parseDouble(f[6]),
          Long.parseLong(f[7]),
          Long.parseLong(f[8]),
          Long.parseLong(f[9]),
          Double.parseDouble(f[11]),
          Double.parseDouble(f[12]),
          Long.parseLong(f[13]),
          Long.parseLong(f[14]),
          f.length > 15 ? Double.parseDouble(f[15]) : Double.NaN);
    }
  }

  private List<Run> of(String scenario, String target) {
    return runs.stream()
        .filter(r -> r.scenario.equals(scenario) && r.target.equals(target))
        .toList();
  }

  private List<String> scenarios() {
    return TITLES.keySet().stream()
        .filter(s -> runs.stream().anyMatch(r -> r.scenario.equals(s)))
        .toList();
  }

  static double median(List<Run> rs, ToDoubleFunction<Run> f) {
    double[] v = rs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private double med(String scenario, String target, ToDoubleFunction<Run> f) {
    return median(of(scenario, target), f);
  }

  // ------------------------------------------------------------------------------ markdown

  private String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Turnout benchmark results\n\n");
    md.append(
            "Generated by `bench/run.sh` (see [bench/README.md](../README.md)); do not edit by"
                + " hand: rerun it. Started ")
        .append(meta.path("started").asText())
        .append(", measured for ")
        .append(meta.path("measuredSeconds").asLong() / 60)
        .append(" min.\n\n");
    md.append("![Throughput and p99 latency per scenario and proxy](load-chart.png)\n\n");
    targetsSection(md);
    summarySection(md);
    floorSection(md);
    scenarioSections(md);
    jmhSection(md);
    machineSection(md);
    commandsSection(md);
    Path notes = dir.resolve("NOTES.md");
    if (Files.exists(notes)) {
      try {
        md.append("\n").append(Files.readString(notes));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return md.toString();
  }

  /** Turnout's, nginx's and HAProxy's medians of one measure in one scenario. */
  private record Trio(double turnout, double nginx, double haproxy) {
    boolean turnoutAtLeast(double factor) {
      return turnout >= factor * nginx && turnout >= factor * haproxy;
    }

    boolean turnoutAtMost() {
      return turnout <= nginx && turnout <= haproxy;
    }

    String ratios() {
      return fmt("%.2fx nginx, %.2fx HAProxy", turnout / nginx, turnout / haproxy);
    }
  }

  private Trio trio(String scenario, ToDoubleFunction<Run> f) {
    return new Trio(
        med(scenario, "turnout", f), med(scenario, "nginx", f), med(scenario, "haproxy", f));
  }

  private void targetsSection(StringBuilder md) {
    md.append("## Targets (issue 14)\n\n| target | result | met |\n|---|---|---|\n");
    Trio get = trio("get-keepalive", Run::rps);
    row(
        md,
        "Small GET keep-alive, 64 connections: >= 1.05x nginx and HAProxy req/s",
        fmt(
            "%s (%s vs %s and %s req/s)",
            get.ratios(), num(get.turnout()), num(get.nginx()), num(get.haproxy())),
        get.turnoutAtLeast(1.05));
    Trio getP99 = trio("get-keepalive", Run::p99);
    row(
        md,
        "Small GET keep-alive: p99 <= HAProxy's",
        fmt("%.2f ms vs %.2f ms", getP99.turnout(), getP99.haproxy()),
        getP99.turnout() <= getP99.haproxy());
    Trio conns = trio("conns-1000", Run::rps);
    Trio connsP99 = trio("conns-1000", Run::p99);
    row(
        md,
        "1,000 connections: >= 1.0x both, p99 <= both",
        fmt(
            "%s; p99 %.1f ms vs %.1f and %.1f ms",
            conns.ratios(), connsP99.turnout(), connsP99.nginx(), connsP99.haproxy()),
        conns.turnoutAtLeast(1.0) && connsP99.turnoutAtMost());
    Trio big = trio("big-256k", Run::rps);
    Trio bigCpu = trio("big-256k", Run::cpuPer10k);
    row(
        md,
        "256 KiB responses: >= 1.0x nginx; CPU per request <= HAProxy's",
        fmt(
            "%.2fx nginx; CPU %.2fx HAProxy's (%.3f vs %.3f s/10k)",
            big.turnout() / big.nginx(),
            bigCpu.turnout() / bigCpu.haproxy(),
            bigCpu.turnout(),
            bigCpu.haproxy()),
        big.turnout() >= big.nginx() && bigCpu.turnout() <= bigCpu.haproxy());
    Trio newConn = trio("new-conn", Run::rps);
    row(
        md,
        "New connection per request: >= 1.0x both",
        newConn.ratios(),
        newConn.turnoutAtLeast(1.0));
    h2Row(md);
    List<Run> shift = of("shift", "turnout");
    long errors = shift.stream().mapToLong(r -> r.socketErrors + r.non2xx).sum();
    Trio shiftRps = trio("shift", Run::rps);
    row(
        md,
        "Shift under load: >= 1.0x both, zero errors",
        fmt("%s; %d errors in %d rounds", shiftRps.ratios(), errors, shift.size()),
        shiftRps.turnoutAtLeast(1.0) && errors == 0 && !shift.isEmpty());
    accessLogRow(md);
    List<Run> conns1000 = of("conns-1000", "turnout");
    double rss = conns1000.stream().mapToDouble(Run::rssMiB).max().orElse(Double.NaN);
    DoubleSummaryStatistics end =
        conns1000.stream()
            .mapToDouble(Run::endRssMiB)
            .filter(v -> !Double.isNaN(v))
            .summaryStatistics();
    row(
        md,
        "Peak RSS at 1,000 connections <= 128 MiB, recommended flags",
        fmt(
                "%.0f MiB (highest of all rounds; nginx %.0f, HAProxy %.0f)",
                rss, maxRss("conns-1000", "nginx"), maxRss("conns-1000", "haproxy"))
            + (end.getCount() == 0
                ? ""
                : fmt("; at the end of each round %.0f-%.0f MiB", end.getMin(), end.getMax())),
        rss <= 128);
    JsonNode pinned = jmhResult("DecisionBenchmark.pinned");
    if (pinned != null) {
      double ns = pinned.path("primaryMetric").path("score").asDouble();
      double alloc = allocNorm(pinned);
      row(
          md,
          "(issue 6) Routing decision, pinned path, under 1 µs",
          fmt("%.0f ns/op", ns),
          ns < 1000);
      row(md, "(issue 6) No allocation on the pinned path", fmt("%.1f B/op", alloc), alloc < 1.0);
    }
    md.append("\n");
  }

  private double maxRss(String scenario, String target) {
    return of(scenario, target).stream().mapToDouble(Run::rssMiB).max().orElse(Double.NaN);
  }

  /** The HTTP/2 scenario's medians, from bench/h2.sh's {@code h2-runs.csv}. */
  private void h2Row(StringBuilder md) {
    Path csv = dir.resolve("h2-runs.csv");
    if (!Files.exists(csv)) {
      return;
    }
    Map<String, List<Double>> rps = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(csv)) {
        String[] f = line.split(",");
        if (f.length >= 3 && !f[0].equals("target") && !f[2].isEmpty()) {
          rps.computeIfAbsent(f[0], k -> new ArrayList<>()).add(Double.parseDouble(f[2]));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Trio h2 =
        new Trio(
            medianOf(rps.get("turnout")), medianOf(rps.get("nginx")), medianOf(rps.get("haproxy")));
    row(
        md,
        "h2 over TLS ([H2.md](H2.md)): >= 1.0x nginx and HAProxy",
        fmt(
            "%s (%s vs %s and %s req/s)",
            h2.ratios(), num(h2.turnout()), num(h2.nginx()), num(h2.haproxy())),
        h2.turnoutAtLeast(1.0));
  }

  private static double medianOf(List<Double> v) {
    if (v == null || v.isEmpty()) {
      return Double.NaN;
    }
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** bench/ab.sh's summary line. */
  private static final Pattern AB_RATIOS =
      Pattern.compile("median of per-round ratios A/B: req/s ([0-9.]+), CPU per request ([0-9.]+)");

  /** The access log's cost, from bench/ab.sh's output that bench/run.sh keeps. */
  private void accessLogRow(StringBuilder md) {
    Path ab = dir.resolve("accesslog-ab.txt");
    if (!Files.exists(ab)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(ab)) {
        Matcher m = AB_RATIOS.matcher(line);
        if (m.find()) {
          double rps = Double.parseDouble(m.group(1));
          double cpu = Double.parseDouble(m.group(2));
          row(
              md,
              "Access log on costs <= 5% of small-GET throughput ([accesslog-ab.txt]"
                  + "(accesslog-ab.txt))",
              fmt("log on / off: %.3fx req/s, %.3fx CPU per request", rps, cpu),
              rps >= 0.95);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void row(StringBuilder md, String what, String result, boolean met) {
    md.append("| ")
        .append(what)
        .append(" | ")
        .append(result)
        .append(" | ")
        .append(met ? "yes" : "**no**")
        .append(" |\n");
  }

  private void summarySection(StringBuilder md) {
    md.append("## Summary: medians, and Turnout's ratios\n\n");
    md.append("Throughput ratio > 1 and latency/CPU ratio < 1 favour Turnout.\n\n");
    md.append(
        "| scenario | direct req/s | Turnout req/s | nginx req/s | HAProxy req/s"
            + " | T/nginx req/s | T/HAProxy req/s | T/nginx p99 | T/HAProxy p99"
            + " | T/nginx CPU | T/HAProxy CPU |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (String s : scenarios()) {
      md.append("| ").append(s);
      for (String t : TARGETS) {
        md.append(" | ").append(num(med(s, t, Run::rps)));
      }
      for (ToDoubleFunction<Run> f :
          List.<ToDoubleFunction<Run>>of(Run::rps, Run::p99, Run::cpuPer10k)) {
        for (String peer : List.of("nginx", "haproxy")) {
          md.append(" | ").append(ratio(med(s, "turnout", f), med(s, peer, f)));
        }
      }
      md.append(" |\n");
    }
    md.append("\n");
  }

  /**
   * Turnout against the two {@code NettyRelay} floors: what a Netty proxy costs before any proxy
   * work (bytes), and with Netty's HTTP/1 codecs decoding and re-encoding every head (http).
   */
  private void floorSection(StringBuilder md) {
    List<String> ss =
        scenarios().stream()
            .filter(s -> FLOORS.stream().allMatch(f -> !of(s, f).isEmpty()))
            .toList();
    if (ss.isEmpty()) {
      return;
    }
    md.append("## The floor under a Netty proxy\n\n");
    md.append(
        "`relay-bytes` and `relay-http` are"
            + " [NettyRelay](../src/main/java/io/turnout/bench/floor/NettyRelay.java) with"
            + " Turnout's JVM flags: each client connection relayed to blue over its own upstream"
            + " connection, as raw bytes or through Netty's HTTP/1 codecs (every head decoded"
            + " into objects and encoded again), and nothing else: no routing, split, cookie,"
            + " header rewrite, metric or timeout. They bound what a proxy built on Netty and the"
            + " JVM could reach on this machine. In `new-conn` they open an upstream connection"
            + " per request where the proxies reuse pooled ones: no floor there.\n\n");
    md.append(
        "| scenario | relay-bytes req/s | relay-http req/s | Turnout req/s | HAProxy req/s"
            + " | relay-http/HAProxy req/s | relay-bytes CPU | relay-http CPU | Turnout CPU"
            + " | HAProxy CPU |\n");
    md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (String s : ss) {
      md.append("| ").append(s);
      for (String t : List.of("relay-bytes", "relay-http", "turnout", "haproxy")) {
        md.append(" | ").append(num(med(s, t, Run::rps)));
      }
      md.append(" | ").append(ratio(med(s, "relay-http", Run::rps), med(s, "haproxy", Run::rps)));
      for (String t : List.of("relay-bytes", "relay-http", "turnout", "haproxy")) {
        md.append(" | ").append(fmt("%.3f", med(s, t, Run::cpuPer10k)));
      }
      md.append(" |\n");
    }
    md.append("\nCPU is seconds per 10,000 requests, as below.\n\n");
  }

  private void scenarioSections(StringBuilder md) {
    md.append("## Per scenario (medians of ")
        .append(meta.path("rounds").asInt())
        .append(" interleaved rounds)\n\n");
    md.append(
        "CPU is the target's user + system CPU seconds per 10,000 requests (all its"
            + " processes; for `direct` it is the app's own). RSS is the peak resident set during"
            + " the run (sum over nginx's master and workers). Errors are summed over all rounds:"
            + " socket errors (connect/read/write/timeout, as wrk counts them) / responses"
            + " outside 2xx (wrk's status >= 400 count; counted per response in `shift`)."
            + " Range is the lowest and highest req/s of the rounds: the noise.\n\n");
    for (String s : scenarios()) {
      md.append("### ").append(TITLES.get(s)).append(" (`").append(s).append("`)\n\n");
      md.append(
          "| target | req/s | range | p50 ms | p99 ms | p99.9 ms | CPU s/10k | peak RSS MiB"
              + " | errors socket/non-2xx |");
      boolean shift = s.equals("shift");
      if (shift) {
        md.append(" share to green |");
      }
      md.append("\n|---|--:|--:|--:|--:|--:|--:|--:|--:|").append(shift ? "--:|" : "").append('\n');
      for (String t : Stream.concat(TARGETS.stream(), FLOORS.stream()).toList()) {
        List<Run> rs = of(s, t);
        if (rs.isEmpty()) {
          continue;
        }
        double lo = rs.stream().mapToDouble(Run::rps).min().orElse(0);
        double hi = rs.stream().mapToDouble(Run::rps).max().orElse(0);
        md.append("| ")
            .append(t)
            .append(" | ")
            .append(num(median(rs, Run::rps)))
            .append(" | ")
            .append(num(lo))
            .append("–")
            .append(num(hi))
            .append(" | ")
            .append(fmt("%.2f", median(rs, Run::p50)))
            .append(" | ")
            .append(fmt("%.2f", median(rs, Run::p99)))
            .append(" | ")
            .append(fmt("%.2f", median(rs, Run::p999)))
            .append(" | ")
            .append(fmt("%.3f", median(rs, Run::cpuPer10k)))
            .append(" | ")
            .append(fmt("%.0f", median(rs, Run::rssMiB)))
            .append(" | ")
            .append(rs.stream().mapToLong(Run::socketErrors).sum())
            .append(" / ")
            .append(rs.stream().mapToLong(Run::non2xx).sum());
        if (shift) {
          long b = rs.stream().mapToLong(Run::blue).sum();
          long gr = rs.stream().mapToLong(Run::green).sum();
          md.append(" | ").append(fmt("%.0f%%", 100.0 * gr / Math.max(1, b + gr)));
        }
        md.append(" |\n");
      }
      md.append("\n");
    }
  }

  private void jmhSection(StringBuilder md) {
    md.append("## Microbenchmarks (JMH, per-request decision)\n\n");
    if (jmh == null) {
      md.append("Not run (`jmh.json` missing).\n\n");
      return;
    }
    JsonNode first = jmh.get(0);
    md.append(
        fmt(
            "JMH %s, %s %s, %d fork(s), %d x %s warm-up, %d x %s measured, JVM flags `%s`,"
                + " `-prof gc`. Average time per operation (the median iteration beside it shows how much"
                + " the machine's noise moved the mean); allocation is `gc.alloc.rate.norm`.\n\n",
            first.path("jmhVersion").asText(),
            first.path("vmName").asText(),
            first.path("jdkVersion").asText(),
            first.path("forks").asInt(),
            first.path("warmupIterations").asInt(),
            first.path("warmupTime").asText(),
            first.path("measurementIterations").asInt(),
            first.path("measurementTime").asText(),
            String.join(" ", iter(first.path("jvmArgs")))));
    md.append("| benchmark | ns/op (mean) | ± (99.9%) | ns/op (median iteration) | B/op |\n");
    md.append("|---|--:|--:|--:|--:|\n");
    for (JsonNode b : jmh) {
      String name = b.path("benchmark").asText();
      name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
      md.append("| ")
          .append(name)
          .append(" | ")
          .append(fmt("%.1f", b.path("primaryMetric").path("score").asDouble()))
          .append(" | ")
          .append(fmt("%.1f", b.path("primaryMetric").path("scoreError").asDouble()))
          .append(" | ")
          .append(
              fmt("%.1f", b.path("primaryMetric").path("scorePercentiles").path("50.0").asDouble()))
          .append(" | ")
          .append(fmt("%.1f", allocNorm(b)))
          .append(" |\n");
    }
    md.append("\n");
  }

  private void machineSection(StringBuilder md) {
    JsonNode m = meta.path("machine");
    md.append("## Machine\n\n");
    md.append("- CPU: ")
        .append(m.path("cpuModel").asText())
        .append(" (")
        .append(m.path("cpuinfoProcessors").asText())
        .append(" processors in /proc/cpuinfo, `nproc` = ")
        .append(m.path("nproc").asText())
        .append(")\n");
    md.append("- Memory: ")
        .append(m.path("memTotal").asText())
        .append("; kernel ")
        .append(m.path("kernel").asText())
        .append("\n");
    md.append("- ")
        .append(m.path("java").asText())
        .append("; ")
        .append(m.path("nginx").asText())
        .append("; ")
        .append(m.path("haproxy").asText())
        .append("; ")
        .append(m.path("wrk").asText())
        .append("\n");
    md.append("- Load average before / after: `")
        .append(meta.path("loadBefore").asText())
        .append("` / `")
        .append(meta.path("loadAfter").asText())
        .append("`\n\n");
    md.append(
        "The machine is shared with other engineers' builds and tests (a load average"
            + " above 2 on 2 cores means others were running). wrk, the two apps and the proxy"
            + " under test all share the same 2 cores, so absolute numbers are low and noisy; the"
            + " targets were interleaved (direct, turnout, nginx, haproxy, then again) so noise"
            + " hits all of them alike, and every number is a median. CPU per request is the"
            + " steadiest column.\n\n");
  }

  private void commandsSection(StringBuilder md) {
    JsonNode c = meta.path("commands");
    md.append("## Exact commands\n\n");
    md.append(
        fmt(
            "Each run: %d s of wrk; %d rounds; every target warmed up %d s first (small"
                + " GET, 256 KiB, POST, new connections). Configs and wrk scripts as run are in"
                + " [configs/](configs/).\n\n",
            meta.path("durationSeconds").asInt(),
            meta.path("rounds").asInt(),
            meta.path("warmupSeconds").asInt()));
    md.append("```sh\n");
    for (Iterator<Map.Entry<String, JsonNode>> it = c.path("processes").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      md.append("# ").append(e.getKey()).append("\n").append(e.getValue().asText()).append("\n");
    }
    md.append("\n# wrk, PORT = ");
    List<String> ports = new ArrayList<>();
    c.path("ports")
        .fields()
        .forEachRemaining(e -> ports.add(e.getKey() + " " + e.getValue().asText()));
    md.append(String.join(", ", ports)).append("\n");
    c.path("wrk").fields().forEachRemaining(e -> md.append(e.getValue().asText()).append("\n"));
    md.append("```\n\n");
    md.append("Shift under load: weights ")
        .append(c.path("shiftSteps").asText())
        .append(
            " (blue/green), one step per second while wrk runs. How each target changes"
                + " weights:\n\n");
    c.path("weightChange")
        .fields()
        .forEachRemaining(
            e -> {
              if (!e.getValue().asText().equals("-")) {
                md.append("- ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue().asText())
                    .append("\n");
              }
            });
    md.append("\n");
  }

  private JsonNode jmhResult(String suffix) {
    if (jmh == null) {
      return null;
    }
    for (JsonNode b : jmh) {
      if (b.path("benchmark").asText().endsWith(suffix)) {
        return b;
      }
    }
    return null;
  }

  private static double allocNorm(JsonNode b) {
    return b.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score").asDouble(Double.NaN);
  }

  private static List<String> iter(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static String fmt(String f, Object... args) {
    return String.format(Locale.ROOT, f, args);
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "-";
    }
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.2fx", a / b);
  }

  // ------------------------------------------------------------------------------ chart

  private void chart(Path png) throws IOException {
    List<CategoryChart> charts = new ArrayList<>();
    List<String> ss = scenarios();
    for (String metric : List.of("rps", "p99")) {
      for (String s : ss) {
        CategoryChart c =
            new CategoryChartBuilder()
                .width(440)
                .height(300)
                .title(shortTitle(s) + (metric.equals("rps") ? ": req/s" : ": p99 ms"))
                .yAxisTitle(
                    metric.equals("rps") ? "requests/s (median)" : "p99 latency, ms (median)")
                .build();
        CategoryStyler st = c.getStyler();
        st.setLegendVisible(false);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridVerticalLinesVisible(false);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        c.getStyler().setOverlapped(true);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        c.getStyler().setDecimalPattern(metric.equals("rps") ? "#,##0" : "#,##0.0");
        List<String> present = TARGETS.stream().filter(t -> !of(s, t).isEmpty()).toList();
        List<Color> colors = new ArrayList<>();
        for (String t : present) {
          // One series per target, each with a value only in its own column: coloured bars.
          List<Double> ys = new ArrayList<>();
          for (String x : present) {
            ys.add(x.equals(t) ? med(s, t, metric.equals("rps") ? Run::rps : Run::p99) : null);
          }
          c.addSeries(t, present, ys);
          colors.add(COLORS.get(t));
        }
        st.setSeriesColors(colors.toArray(new Color[0]));
        charts.add(c);
      }
    }
    // Six scenarios: throughput in the top two rows, p99 in the bottom two, three per row.
    int cols = ss.size() % 3 == 0 ? 3 : ss.size();
    int rows = 2 * ss.size() / cols;
    BitmapEncoder.saveBitmap(charts, rows, cols, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String shortTitle(String s) {
    return switch (s) {
      case "get-keepalive" -> "Small GET, 64 conns";
      case "conns-1000" -> "Small GET, 1,000 conns";
      case "big-256k" -> "256 KiB responses";
      case "new-conn" -> "New conn per request";
      case "post-1m" -> "1 MiB POST";
      case "shift" -> "Shift under load";
      default -> s;
    };
  }
}
