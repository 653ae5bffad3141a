package io.turnout.gateway.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.VersionMeters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this gateway's per-version counters to the controller: every {@code period}, one {@code
 * POST /v1/reports} to every address each target name resolves to (so a controller reachable under
 * a headless Service name hears from every gateway on every replica, and a new leader already has
 * the history of the step it takes over).
 *
 * <p>The counters are totals since this gateway started (never reset), like Prometheus counters: a
 * lost report loses nothing, the controller takes differences between the reports it has. The
 * report names this process ({@code gateway}) and this run of it ({@code instance}), so a restarted
 * gateway's counters starting again at zero are a new series, not a negative rate.
 *
 * <p>Body, one JSON object:
 *
 * <pre>
 * {"gateway":"gw-7f9c-1234","instance":"1f0c…","bounds":[0.001,0.005,…,30.0],
 *  "versions":[{"host":"shop.example.com","version":"green","requests":1200,"errors":3,
 *               "assetMisses":0,"pinned":900,"latency":[10,400,…,1200]}]}
 * </pre>
 *
 * {@code latency[i]} counts requests that took at most {@code bounds[i]} seconds (cumulative, as a
 * Prometheus histogram's {@code le} buckets); requests above the last bound are in {@code requests}
 * only. {@code "mirrors"} (optional, same shape without {@code assetMisses}) counts the copies
 * answered by mirror versions, apart from their live requests (see {@link MirrorReport}).
 *
 * <p>{@code pinned} counts the requests whose client arrived with a valid pin to that version (the
 * access log's reasons {@code pin} and {@code drain}); a controller reads a missing field as 0.
 *
 * <p>Threads: one daemon thread, "turnout-report", reads the meters (thread-safe) and sends with a
 * blocking JDK HTTP client call bounded by a 2 s timeout. Nothing here touches an event loop.
 */
public final class FleetReporter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetReporter.class);
  private static final JsonFactory JSON = new JsonFactory();

  private final List<URI> targets;
  private final Supplier<GatewayMetrics> metrics;
  private final String gatewayId;
  private final String instance = UUID.randomUUID().toString();
  private final HttpClient http;
  private final ScheduledExecutorService thread;
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean lastFailed;
  private final String authorization;

  private FleetReporter(
      List<URI> targets,
      Supplier<GatewayMetrics> metrics,
      String gatewayId,
      Duration period,
      String token) {
    this.targets = List.copyOf(targets);
    this.authorization = token == null ? null : "Bearer " + token;
    this.metrics = metrics;
    this.gatewayId = gatewayId;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-report");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(
        this::reportOnce, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Starts reporting.
   *
   * @param targets controller base URLs ({@code http://turnout-controller:8090}); each name is
   *     resolved to all its addresses at every report
   * @param metrics the gateway's meters; may supply null until the gateway has started
   * @param period time between reports (the controller expects about one a second)
   */
  public static FleetReporter start(
      List<URI> targets, Supplier<GatewayMetrics> metrics, Duration period) {
    return start(targets, metrics, period, null);
  }

  /** As {@link #start(List, Supplier, Duration)}, sending {@code token} as a bearer token. */
  public static FleetReporter start(
      List<URI> targets, Supplier<GatewayMetrics> metrics, Duration period, String token) {
    return new FleetReporter(targets, metrics, defaultGatewayId(), period, token);
  }

  /** The pod name (HOSTNAME) and process id: unique per gateway process, readable in a status. */
  static String defaultGatewayId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "gateway";
      }
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  /** Reports sent and accepted so far (for tests and the log). */
  public long sent() {
    return sent.get();
  }

  public String gatewayId() {
    return gatewayId;
  }

  private void reportOnce() {
    try {
      GatewayMetrics m = metrics.get();
      if (m == null) {
        return;
      }
      byte[] body = encode(m);
      for (URI target : targets) {
        for (URI address : addressesOf(target)) {
          send(address, body);
        }
      }
    } catch (RuntimeException e) {
      log.warn("cannot build the controller report: {}", e.toString());
    }
  }

  private void send(URI base, byte[] body) {
    try {
      HttpRequest.Builder builder =
          HttpRequest.newBuilder(base.resolve("/v1/reports"))
              .timeout(Duration.ofSeconds(2))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (authorization != null) {
        builder.header("Authorization", authorization);
      }
      HttpRequest req = builder.build();
      HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
      if (res.statusCode() / 100 == 2) {
        sent.incrementAndGet();
        if (lastFailed) {
          lastFailed = false;
          log.info("reports to {} accepted again", base);
        }
      } else {
        failed(base, "HTTP " + res.statusCode());
      }
    } catch (IOException e) {
      failed(base, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void failed(URI base, String why) {
    if (!lastFailed) {
      lastFailed = true; // log the first failure of a run, not one a second
      log.warn("report to {} failed: {}", base, why);
    }
  }

  /** One URL per address of the target's host name (a headless Service lists every replica). */
  private static List<URI> addressesOf(URI target) {
    List<URI> out = new ArrayList<>();
    try {
      for (InetAddress a : InetAddress.getAllByName(target.getHost())) {
        String host = a.getHostAddress();
        if (host.indexOf(':') >= 0) {
          host = "[" + host + "]";
        }
        out.add(URI.create(target.getScheme() + "://" + host + ":" + port(target)));
      }
    } catch (UnknownHostException e) {
      out.add(target); // let the send fail and be logged with the name
    }
    return out;
  }

  private static int port(URI u) {
    return u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
  }

  byte[] encode(GatewayMetrics m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("gateway", gatewayId);
      g.writeStringField("instance", instance);
      g.writeArrayFieldStart("bounds");
      for (double b : VersionMeters.latencyBoundsSeconds()) {
        g.writeNumber(b);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("versions");
      for (VersionMeters v : m.allVersionMeters()) {
        if (v.host().equals(GatewayMetrics.NO_HOST)
            || v.version().equals(GatewayMetrics.NO_VERSION)) {
          continue; // answered before a version was chosen: nobody's rollout
        }
        long pinned = v.pinnedRequests(); // read first: never more than the requests after it
        VersionMeters.Totals t = v.totals();
        g.writeStartObject();
        g.writeStringField("host", v.host());
        g.writeStringField("version", v.version());
        g.writeNumberField("requests", t.requests());
        g.writeNumberField("errors", t.serverErrors());
        g.writeNumberField("assetMisses", m.assetMisses(v.host(), v.version()));
        g.writeNumberField("pinned", pinned);
        g.writeArrayFieldStart("latency");
        for (long c : t.latency()) {
          g.writeNumber(c);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      MirrorReport.write(g, m); // additive: "mirrors", absent in older reports
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void close() {
    thread.shutdownNow(); // the JDK 17 HttpClient has no close: its thread ends with it
  }
}
