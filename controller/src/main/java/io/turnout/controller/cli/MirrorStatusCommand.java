package io.turnout.controller.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code turnout mirror status HOST --gateway URL...}: the live and the mirrored traffic of a host
 * side by side, per version: requests, p50, p99, 5xx share, and dropped copies. The numbers come
 * from the gateways' admin {@code /metrics} (counters and histograms summed over every {@code
 * --gateway}), since they are counted there and nowhere else yet. They cover each gateway's
 * lifetime, not a window: compare runs by difference, or restart nothing and read the trend.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Live vs mirror latency (p50, p99) and error rate of a host's versions, read from the",
      "gateways' admin /metrics. Example:",
      "  turnout mirror status shop.example.com --gateway http://10.0.3.7:9901"
    })
final class MirrorStatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "HOST", description = "Host name, as in turnout.io/host.")
  String host;

  @Option(
      names = "--gateway",
      paramLabel = "URL",
      required = true,
      description =
          "A gateway's admin address (http://POD-IP:9901); repeat for every gateway to sum.")
  List<URI> gateways;

  /** The numbers of one version in one role, summed over gateways. */
  private static final class Row {
    final LatencyHistogram latency = new LatencyHistogram();
    double requests;
    double serverErrors;
    final Map<String, Double> dropped = new TreeMap<>();
  }

  @Override
  public Integer call() {
    Map<String, Row> live = new TreeMap<>();
    Map<String, Row> mirror = new TreeMap<>();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (URI gw : gateways) {
      String text;
      try {
        HttpResponse<String> res =
            http.send(
                HttpRequest.newBuilder(gw.resolve("/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) {
          throw new IOException("HTTP " + res.statusCode());
        }
        text = res.body();
      } catch (IOException e) {
        spec.commandLine()
            .getErr()
            .println("error: cannot read " + gw.resolve("/metrics") + ": " + e);
        return Cli.CLUSTER_ERROR;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Cli.CLUSTER_ERROR;
      }
      for (PrometheusSamples.Sample s : PrometheusSamples.parse(text)) {
        if (s.label("host").equals(host)) {
          add(s, live, mirror);
        }
      }
    }
    if (live.isEmpty() && mirror.isEmpty()) {
      throw new Cli.Refused("no gateway has served host " + host + " yet");
    }
    print(spec.commandLine().getOut(), live, mirror);
    return 0;
  }

  private static void add(
      PrometheusSamples.Sample s, Map<String, Row> live, Map<String, Row> mirror) {
    String version = s.label("version");
    switch (s.name()) {
      case "turnout_request_duration_seconds_bucket" ->
          row(live, version).latency.add(parseLe(s.label("le")), s.value());
      case "turnout_mirror_duration_seconds_bucket" ->
          row(mirror, version).latency.add(parseLe(s.label("le")), s.value());
      case "turnout_requests_total" -> count(row(live, version), s);
      case "turnout_mirror_requests_total" -> count(row(mirror, version), s);
      case "turnout_mirror_dropped_total" ->
          row(mirror, version).dropped.merge(s.label("reason"), s.value(), Double::sum);
      default -> {}
    }
  }

  private static Row row(Map<String, Row> rows, String version) {
    return rows.computeIfAbsent(version, v -> new Row());
  }

  private static void count(Row r, PrometheusSamples.Sample s) {
    r.requests += s.value();
    if (s.label("code").startsWith("5")) {
      r.serverErrors += s.value();
    }
  }

  private static double parseLe(String le) {
    return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
  }

  private static void print(PrintWriter out, Map<String, Row> live, Map<String, Row> mirror) {
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"VERSION", "ROLE", "REQUESTS", "P50", "P99", "5XX", "DROPPED"});
    TreeMap<String, Boolean> versions = new TreeMap<>();
    live.keySet().forEach(v -> versions.put(v, true));
    mirror.keySet().forEach(v -> versions.put(v, true));
    for (String v : versions.keySet()) {
      Row l = live.get(v);
      if (l != null && l.requests > 0) {
        table.add(cells(v, "live", l, "-"));
      }
      Row m = mirror.get(v);
      if (m != null && (m.requests > 0 || !m.dropped.isEmpty())) {
        double total = m.dropped.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder d = new StringBuilder(String.format(Locale.ROOT, "%.0f", total));
        if (total > 0) {
          List<String> parts = new ArrayList<>();
          m.dropped.forEach(
              (reason, n) -> {
                if (n > 0) {
                  parts.add(String.format(Locale.ROOT, "%s %.0f", reason, n));
                }
              });
          d.append(" (").append(String.join(", ", parts)).append(')');
        }
        table.add(cells(v, "mirror", m, d.toString()));
      }
    }
    int[] widths = new int[table.get(0).length];
    for (String[] r : table) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : table) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(r[i]);
        if (i < r.length - 1) {
          line.append(" ".repeat(widths[i] - r[i].length() + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  private static String[] cells(String version, String role, Row r, String dropped) {
    return new String[] {
      version,
      role,
      String.format(Locale.ROOT, "%.0f", r.requests),
      latency(r.latency, 0.50),
      latency(r.latency, 0.99),
      r.requests == 0
          ? "-"
          : String.format(Locale.ROOT, "%.2f%%", 100.0 * r.serverErrors / r.requests),
      dropped
    };
  }

  private static String latency(LatencyHistogram h, double q) {
    double seconds = h.quantile(q);
    if (Double.isNaN(seconds)) {
      return "-";
    }
    String ms =
        seconds < 0.01
            ? String.format(Locale.ROOT, "%.1f ms", seconds * 1000)
            : String.format(Locale.ROOT, "%.0f ms", seconds * 1000);
    return h.beyondLastBound(q) ? "> " + ms : ms;
  }
}
