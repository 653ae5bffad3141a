package io.turnout.bench.consistency;

import io.netty.channel.EventLoopGroup;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.demo.DemoApp;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.source.FileSnapshotSource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The consistency simulation of issue 3: browser-like page sessions (one navigation, then 20
 * subresource and API requests) run against a proxy while the green weight ramps 0 -> 5 -> 25 -> 50
 * -> 100 and, separately, while blue and green switch at once. It reports, per proxy and step, the
 * share of sessions that saw more than one version and the share of new sessions that landed on
 * green.
 *
 * <p>Proxies compared, both in front of the same two demo apps:
 *
 * <ul>
 *   <li><b>turnout</b>: the gateway, weights changed by rewriting its watched config file;
 *   <li><b>per-request split</b>: nginx with {@code split_clients} on {@code $request_id}, the way
 *       ingress-nginx's {@code canary-weight} and Spring Cloud Gateway's {@code Weight} predicate
 *       split (every request drawn anew), weights changed by {@code nginx -s reload}. Skipped with
 *       a note when nginx is not installed.
 * </ul>
 *
 * Run: {@code java -cp gateway/target/turnout-gateway.jar:bench/target/classes
 * io.turnout.bench.consistency.ConsistencySimulation [secondsPerStep]}.
 */
public final class ConsistencySimulation {
  private static final int[] RAMP = {0, 5, 25, 50, 100};
  private static final int SUBREQUESTS = 20;
  private static final int TABS = 4;

  private ConsistencySimulation() {}

  public static void main(String[] args) throws Exception {
    double secondsPerStep = args.length > 0 ? Double.parseDouble(args[0]) : 4;
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(1, "sim-apps");
    Path work = Files.createTempDirectory("turnout-consistency");
    List<String> rows = new ArrayList<>();
    try (DemoApp blue = DemoApp.start("blue", "#1e5aa8", "127.0.0.1", 0, group, transport);
        DemoApp green = DemoApp.start("green", "#1b8a4b", "127.0.0.1", 0, group, transport)) {
      List<Target> targets = new ArrayList<>();
      targets.add(new TurnoutTarget(work.resolve("turnout"), blue.port(), green.port()));
      if (NginxTarget.available()) {
        targets.add(new NginxTarget(work.resolve("nginx"), blue.port(), green.port()));
      } else {
        System.err.println(
            "nginx not installed: per-request split skipped (apt-get install nginx)");
      }
      for (Target t : targets) {
        try (t) {
          t.start(100, 0);
          measure(t, secondsPerStep); // warm-up (JIT, connection pools), not reported
          for (int w : RAMP) {
            t.setWeights(100 - w, w);
            rows.add(row(t.name(), "ramp", "green " + w, w, measure(t, secondsPerStep)));
          }
          t.setWeights(100, 0);
          Result before = measure(t, secondsPerStep / 2);
          rows.add(row(t.name(), "switch", "before (blue 100)", 0, before));
          // The switch happens while sessions are running.
          Result during = measureWithChange(t, secondsPerStep, () -> t.setWeights(0, 100));
          rows.add(row(t.name(), "switch", "switch at mid-window", 100, during));
        }
      }
    } finally {
      group.shutdownGracefully();
    }
    String table = render(rows, secondsPerStep);
    System.out.println(table);
    Path out = Path.of("bench/results/CONSISTENCY.md");
    if (Files.isDirectory(out.getParent()) || out.getParent().toFile().mkdirs()) {
      Files.writeString(out, table, StandardCharsets.UTF_8);
      System.err.println("wrote " + out.toAbsolutePath());
    }
  }

  private static String row(String proxy, String scenario, String step, int weight, Result r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %s | %d | %.2f%% (%d of %d) | %.1f%% | %d |",
        proxy,
        scenario,
        step,
        weight,
        r.mixedShare(),
        r.mixedCounter.get(),
        r.sessionsCounter.get(),
        r.greenShare(),
        r.errors.get());
  }

  private static String render(List<String> rows, double secondsPerStep) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Consistency under weight changes\n\n");
    sb.append("Page sessions (1 navigation + ")
        .append(SUBREQUESTS)
        .append(
            " subresource/API requests with browser `Sec-Fetch-*` headers and a cookie jar) on ")
        .append(TABS)
        .append(" concurrent tabs, ")
        .append(secondsPerStep)
        .append(" s per step. *Mixed* = sessions whose subrequests reached a version other than")
        .append(
            " their page's. *New on green* = share of sessions whose page came from green (in the"
                + " switch row, half the window ran before the switch). *Errors* = 5xx answers or"
                + " failed connections.\n\n");
    sb.append(
        "| proxy | scenario | step | green weight | mixed sessions | new on green | errors |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (String r : rows) {
      sb.append(r).append('\n');
    }
    sb.append(
        "\nReproduce: `mvn -B -q -DskipTests package && java -cp"
            + " gateway/target/turnout-gateway.jar:bench/target/classes"
            + " io.turnout.bench.consistency.ConsistencySimulation "
            + secondsPerStep
            + "` (nginx from Debian for the per-request row).\n");
    return sb.toString();
  }

  private static Result measure(Target t, double seconds) throws Exception {
    return measureWithChange(t, seconds, null);
  }

  /** Runs sessions for {@code seconds}; {@code change} (if any) runs at the halfway point. */
  private static Result measureWithChange(Target t, double seconds, ThrowingRunnable change)
      throws Exception {
    Result result = new Result();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(TABS);
    List<Future<?>> tabs = new ArrayList<>();
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    for (int i = 0; i < TABS; i++) {
      tabs.add(
          pool.submit(
              () -> {
                while (running.get()) {
                  session(client, t.port(), result);
                }
                return null;
              }));
    }
    long half = (long) (seconds * 500);
    Thread.sleep(half);
    if (change != null) {
      change.run();
    }
    Thread.sleep(half);
    running.set(false);
    for (Future<?> f : tabs) {
      f.get(1, TimeUnit.MINUTES);
    }
    pool.shutdown();
    return result;
  }

  private static void session(HttpClient client, int port, Result result) {
    String cookie = null;
    try {
      HttpResponse<Void> page =
          client.send(
              request(port, "/", cookie)
                  .header("Sec-Fetch-Mode", "navigate")
                  .header("Sec-Fetch-Dest", "document")
                  .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      String pageVersion = page.headers().firstValue("x-served-by").orElse("?");
      cookie = page.headers().firstValue("set-cookie").map(c -> c.split(";", 2)[0]).orElse(null);
      boolean mixed = false;
      for (int i = 0; i < SUBREQUESTS; i++) {
        boolean api = i % 2 == 0;
        HttpResponse<Void> sub =
            client.send(
                request(port, api ? "/api/version" : "/app.js", cookie)
                    .header("Sec-Fetch-Mode", api ? "cors" : "no-cors")
                    .header("Sec-Fetch-Dest", api ? "empty" : "script")
                    .header("Accept", "*/*")
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (sub.statusCode() >= 500) {
          result.errors.incrementAndGet();
        }
        if (!pageVersion.equals(sub.headers().firstValue("x-served-by").orElse("?"))) {
          mixed = true;
        }
      }
      result.record(pageVersion.equals("green"), mixed);
    } catch (IOException e) {
      result.errors.incrementAndGet();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpRequest.Builder request(int port, String path, String cookie) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return b;
  }

  /** Counts for one step. */
  static final class Result {
    final AtomicInteger sessionsCounter = new AtomicInteger();
    final AtomicInteger mixedCounter = new AtomicInteger();
    final AtomicInteger greenCounter = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();

    void record(boolean onGreen, boolean wasMixed) {
      sessionsCounter.incrementAndGet();
      if (onGreen) {
        greenCounter.incrementAndGet();
      }
      if (wasMixed) {
        mixedCounter.incrementAndGet();
      }
    }

    double mixedShare() {
      int s = sessionsCounter.get();
      return s == 0 ? 0 : 100.0 * mixedCounter.get() / s;
    }

    double greenShare() {
      int s = sessionsCounter.get();
      return s == 0 ? 0 : 100.0 * greenCounter.get() / s;
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /** A proxy under test. */
  interface Target extends AutoCloseable {
    String name();

    void start(int blue, int green) throws Exception;

    void setWeights(int blue, int green) throws Exception;

    int port();

    @Override
    void close() throws Exception;
  }

  /** Turnout, in this JVM, on a watched config file. */
  static final class TurnoutTarget implements Target {
    private final Path dir;
    private final int bluePort;
    private final int greenPort;
    private GatewayServer server;

    TurnoutTarget(Path dir, int bluePort, int greenPort) throws IOException {
      this.dir = Files.createDirectories(dir);
      this.bluePort = bluePort;
      this.greenPort = greenPort;
    }

    @Override
    public String name() {
      return "turnout";
    }

    private String config(int blue, int green) {
      return """
          listen: { http: 0, admin: 0, address: 127.0.0.1 }
          accessLog: false
          affinity: { secret: bench, drainTimeout: 5m }
          shutdown: { drainDelay: 0s, timeout: 2s }
          hosts:
            - host: "*"
              routes:
                - path: /
                  versions:
                    - {name: blue, weight: %d, endpoints: ["127.0.0.1:%d"]}
                    - {name: green, weight: %d, endpoints: ["127.0.0.1:%d"]}
          """
          .formatted(blue, bluePort, green, greenPort);
    }

    @Override
    public void start(int blue, int green) throws Exception {
      Path file = dir.resolve("turnout.yaml");
      Files.writeString(file, config(blue, green));
      FileSnapshotSource source = new FileSnapshotSource(file, c -> {}, true);
      GatewayConfig config = ConfigFile.load(file);
      server = GatewayServer.start(config, source);
    }

    @Override
    public void setWeights(int blue, int green) throws Exception {
      Path tmp = dir.resolve("turnout.yaml.tmp");
      Files.writeString(tmp, config(blue, green));
      Files.move(tmp, dir.resolve("turnout.yaml"), StandardCopyOption.ATOMIC_MOVE);
      String expected = "\"name\":\"green\",\"weight\":" + green + ",";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (!server.currentSnapshotJson().contains(expected)) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("turnout did not apply weights " + blue + "/" + green);
        }
        Thread.sleep(10);
      }
    }

    @Override
    public int port() {
      return server.httpPort();
    }

    @Override
    public void close() {
      server.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** nginx splitting each request anew with {@code split_clients} on {@code $request_id}. */
  static final class NginxTarget implements Target {
    private final Path dir;
    private final int bluePort;
    private final int greenPort;
    private final int port;
    private Process process;

    NginxTarget(Path dir, int bluePort, int greenPort) throws IOException {
      this.dir = Files.createDirectories(dir);
      Files.createDirectories(dir.resolve("logs"));
      this.bluePort = bluePort;
      this.greenPort = greenPort;
      try (var s = new java.net.ServerSocket(0)) {
        this.port = s.getLocalPort();
      }
    }

    static boolean available() {
      return Files.isExecutable(Path.of("/usr/sbin/nginx"));
    }

    @Override
    public String name() {
      return "per-request split (nginx split_clients)";
    }

    private String config(int blue, int green) {
      String split =
          green == 0 ? "* blue;" : green == 100 ? "* green;" : green + "% green; * blue;";
      return """
          worker_processes 1;
          pid %1$s/nginx.pid;
          error_log %1$s/logs/error.log warn;
          events { worker_connections 1024; }
          http {
            access_log off;
            client_body_temp_path %1$s/body;
            proxy_temp_path %1$s/proxy;
            fastcgi_temp_path %1$s/fastcgi;
            uwsgi_temp_path %1$s/uwsgi;
            scgi_temp_path %1$s/scgi;
            split_clients "${request_id}" $version { %2$s }
            upstream blue { server 127.0.0.1:%3$d; keepalive 32; }
            upstream green { server 127.0.0.1:%4$d; keepalive 32; }
            server {
              listen 127.0.0.1:%5$d;
              location / {
                proxy_pass http://$version;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
                proxy_set_header Host $host;
              }
            }
          }
          """
          .formatted(dir, split, bluePort, greenPort, port);
    }

    @Override
    public void start(int blue, int green) throws Exception {
      Files.writeString(dir.resolve("nginx.conf"), config(blue, green));
      process =
          new ProcessBuilder(
                  "/usr/sbin/nginx",
                  "-p",
                  dir.toString(),
                  "-c",
                  dir.resolve("nginx.conf").toString(),
                  "-g",
                  "daemon off;")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("logs/stdout.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (true) {
        try (var s = new java.net.Socket("127.0.0.1", port)) {
          return;
        } catch (IOException e) {
          if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException("nginx did not start; see " + dir.resolve("logs"));
          }
          Thread.sleep(20);
        }
      }
    }

    @Override
    public void setWeights(int blue, int green) throws Exception {
      Files.writeString(dir.resolve("nginx.conf"), config(blue, green));
      Process reload =
          new ProcessBuilder(
                  "/usr/sbin/nginx",
                  "-p",
                  dir.toString(),
                  "-c",
                  dir.resolve("nginx.conf").toString(),
                  "-s",
                  "reload")
              .inheritIO()
              .start();
      if (reload.waitFor() != 0) {
        throw new IllegalStateException("nginx reload failed");
      }
      Thread.sleep(300); // new workers take over; nginx gives no signal for that
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public void close() throws Exception {
      if (process != null) {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
