package io.turnout.bench.controller;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotDelta;
import io.turnout.gateway.snapshot.SnapshotDiff;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.snapshot.StreamState;
import io.turnout.gateway.snapshot.VersionSpec;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.source.SnapshotSink;
import io.turnout.gateway.source.SnapshotSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The fleet at the seed's scale (issue 15): {@code services} Services x 10 endpoints on the fabric8
 * mock API server, the controller in a process of its own ({@code turnout run}, so its RSS and CPU
 * are its own), one real {@link GatewayServer} and {@code subscribers - 1} raw delta subscribers
 * applying the stream with the gateway's {@link StreamState}, under EndpointSlice churn at each
 * rate of {@code rates}. At each rate, {@code changes} weight changes are timed from the patch to
 * the gateway's applied table and to the last subscriber holding the new weight.
 *
 * <p>Args: {@code [services=5000] [subscribers=90] [rates=0,25,50,100] [changes=20] [out=bench/
 * results]}. Writes {@code FLEET.md} (the table) and {@code fleet-latency.svg} (p50/p99 against
 * churn rate) into {@code out}.
 */
public final class FleetBench {
  private FleetBench() {}

  private static final String SHOP = "shop.example.com";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("apply")) {
      // Only the gateway's apply of one endpoint change, on a synthetic snapshot of that size.
      int n = args.length > 1 ? Integer.parseInt(args[1]) : 5000;
      System.out.println(
          "gateway apply of one endpoint change, " + n + " Services: " + endpointApplyCost(of(n)));
      return;
    }
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int subscribers = args.length > 1 ? Integer.parseInt(args[1]) : 90;
    List<Integer> rates = new ArrayList<>();
    for (String r : (args.length > 2 ? args[2] : "0,25,50,100").split(",")) {
      rates.add(Integer.parseInt(r.trim()));
    }
    int changes = args.length > 3 ? Integer.parseInt(args[3]) : 20;
    Path out = Path.of(args.length > 4 ? args[4] : "bench/results");

    KubernetesMockServer api = MockApiServer.startCrud();
    KubernetesClient client = api.createClient();
    long loadStart = System.nanoTime();
    ExecutorService loaders = Executors.newFixedThreadPool(16);
    List<CompletableFuture<?>> loading = new ArrayList<>();
    loading.add(CompletableFuture.runAsync(() -> shopApp(client), loaders));
    for (int i = 0; i < services; i++) {
      int k = i;
      loading.add(CompletableFuture.runAsync(() -> other(client, k, 0), loaders));
    }
    CompletableFuture.allOf(loading.toArray(new CompletableFuture[0])).get(30, TimeUnit.MINUTES);
    loaders.shutdown();
    System.out.printf(
        Locale.ROOT,
        "loaded %d Services + slices in %.1f s%n",
        services + 2,
        (System.nanoTime() - loadStart) / 1e9);

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process controller = startController(client, port);
    GatewayProbe gateway = new GatewayProbe(port);
    List<Reader> readers = new ArrayList<>();
    for (int i = 0; i < subscribers - 1; i++) {
      readers.add(new Reader(port));
    }
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
    while (!gateway.hasWeight(50) || readers.stream().anyMatch(r -> r.weight() != 50)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("subscribers did not get the first snapshot");
      }
      Thread.sleep(200);
    }
    System.out.println("all " + subscribers + " subscribers hold the first snapshot");

    List<String> rows = new ArrayList<>();
    List<String> legRows = new ArrayList<>();
    List<double[]> chart = new ArrayList<>();
    int weight = 100;
    WeightWatch watch = new WeightWatch(client);
    for (int rate : rates) {
      Churn churn = new Churn(client, services, rate);
      Thread.sleep(3_000); // settle into the rate
      long bytes0 = readers.stream().mapToLong(r -> r.bytes.get()).sum();
      long cpu0 = cpuTicks(controller.pid());
      double[] build0 = buildTimer(port);
      long t0 = System.nanoTime();
      List<Long> toGateway = new ArrayList<>();
      List<Long> toLast = new ArrayList<>();
      List<Long> ackToGateway = new ArrayList<>();
      Legs legs = new Legs();
      for (int i = 0; i < changes; i++) {
        int w = ++weight;
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
          try {
            BenchResources.patchWeight(client, "shop", "shop-green", w);
            break;
          } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // A swamped mock API server times out (10 s); the merge patch is idempotent, and the
            // clock keeps running from the first attempt.
            if (attempt == 3) {
              throw e;
            }
            System.out.println("weight patch attempt " + attempt + " failed: " + e.getMessage());
          }
        }
        long acked = System.nanoTime();
        long atGateway = gateway.await(w, start);
        long atWatch = watch.await(w);
        long atLast = start;
        long atFirst = Long.MAX_VALUE;
        for (Reader r : readers) {
          long at = r.await(w);
          atLast = Math.max(atLast, at);
          atFirst = Math.min(atFirst, at);
        }
        legs.add(start, acked, atWatch, atFirst, gateway, atGateway);
        toGateway.add(atGateway - start);
        ackToGateway.add(Math.max(0, atGateway - acked));
        toLast.add(Math.max(atLast, atGateway) - start);
        Thread.sleep(500);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long bytes = readers.stream().mapToLong(r -> r.bytes.get()).sum() - bytes0;
      double cpu = (cpuTicks(controller.pid()) - cpu0) / 100.0 / seconds;
      double churnRate = churn.stop() / seconds;
      Stats g = new Stats(toGateway);
      Stats l = new Stats(toLast);
      Stats a = new Stats(ackToGateway);
      double kibPerSub = bytes / 1024.0 / readers.size() / seconds;
      long rss = rssKib(controller.pid());
      double[] build1 = buildTimer(port);
      legRows.add(legs.row(rate, churnRate, build0, build1, seconds));
      System.out.println(legRows.get(legRows.size() - 1));
      String row =
          String.format(
              Locale.ROOT,
              "| %d (achieved %.1f) | %.0f / %.0f ms | %.0f / %.0f ms | %.0f / %.0f ms | %.1f KiB/s"
                  + " | %.0f MiB / %.2f cores | %s |",
              rate,
              churnRate,
              g.percentileMillis(50),
              g.percentileMillis(99),
              a.percentileMillis(50),
              a.percentileMillis(99),
              l.percentileMillis(50),
              l.percentileMillis(99),
              kibPerSub,
              rss / 1024.0,
              cpu,
              gateway.applySummary());
      System.out.println(row);
      rows.add(row);
      chart.add(
          new double[] {
            churnRate,
            g.percentileMillis(50),
            g.percentileMillis(99),
            l.percentileMillis(50),
            l.percentileMillis(99)
          });
      gateway.resetApply();
    }
    String oneEndpoint = endpointApplyCost(gateway.lastSnapshot());
    System.out.println("gateway apply of one endpoint change: " + oneEndpoint);

    Files.createDirectories(out);
    StringBuilder md = new StringBuilder();
    md.append(
            "| EndpointSlice updates/s | weight change -> real gateway p50 / p99 | patch"
                + " acknowledged -> real gateway p50 / p99")
        .append(" | -> last of ")
        .append(subscribers)
        .append(" subscribers p50 / p99 | bytes per subscriber | controller RSS / CPU")
        .append(
            " | gateway delta applies (endpoint-only) p50 / p99 |\n|---|---|---|---|---|---|---|\n");
    rows.forEach(r -> md.append(r).append('\n'));
    md.append("\nWhere a weight change's time goes (p50 / p99; the watch is the bench's own on the")
        .append(" Service, standing in for the controller's informer):\n\n")
        .append(Legs.HEADER);
    legRows.forEach(r -> md.append(r).append('\n'));
    md.append("\nGateway apply of one endpoint change (")
        .append(services)
        .append(" Services, in place): ")
        .append(oneEndpoint)
        .append('\n');
    Files.writeString(out.resolve("FLEET.md"), md.toString());
    Files.writeString(out.resolve("fleet-latency.svg"), svg(chart));
    watch.close();
    gateway.close();
    readers.forEach(Reader::close);
    controller.destroy();
    controller.waitFor(10, TimeUnit.SECONDS);
    client.close();
    api.destroy();
    System.exit(0);
  }

  // ---- cluster ----

  private static void shopApp(KubernetesClient client) {
    for (String v : List.of("blue", "green")) {
      client
          .services()
          .inNamespace("shop")
          .resource(
              BenchResources.service(
                  "shop",
                  "shop-" + v,
                  Map.of(
                      "turnout.io/host", SHOP,
                      "turnout.io/version", v,
                      "turnout.io/weight", "50")))
          .create();
      client
          .discovery()
          .v1()
          .endpointSlices()
          .inNamespace("shop")
          .resource(slice("shop", "shop-" + v, v.equals("blue") ? 1 : 2, 0))
          .create();
    }
  }

  /** Service i (app i/2, blue or green) and its slice of 10 endpoints, the first shifted. */
  private static void other(KubernetesClient client, int i, int shift) {
    var svc = ScaleBench.service(i / 2, i % 2 == 0 ? "blue" : "green", i % 2 == 0 ? 90 : 10);
    String ns = svc.getMetadata().getNamespace();
    if (shift == 0) {
      client.services().inNamespace(ns).resource(svc).create();
    }
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .resource(slice(ns, svc.getMetadata().getName(), 100 + i, shift))
        .createOr(op -> op.update());
  }

  private static EndpointSlice slice(String ns, String service, int base, int shift) {
    EndpointSliceBuilder b = BenchResources.slice(ns, service + "-1", service, 8080);
    for (int e = 0; e < 10; e++) {
      int ip = base * 16 + e + (e == 0 ? shift : 0);
      b.addNewEndpoint()
          .withAddresses("10." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255))
          .endEndpoint();
    }
    return b.build();
  }

  /** EndpointSlice updates at a fixed rate: one pod of a random Service gets a new address. */
  private static final class Churn {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService writers = Executors.newFixedThreadPool(16);
    private final AtomicLong done = new AtomicLong();

    Churn(KubernetesClient client, int services, int rate) {
      if (rate > 0) {
        timer.scheduleAtFixedRate(
            () ->
                writers.execute(
                    () -> {
                      ThreadLocalRandom r = ThreadLocalRandom.current();
                      other(client, r.nextInt(services), 1 + r.nextInt(15));
                      done.incrementAndGet();
                    }),
            0,
            1_000_000 / rate,
            TimeUnit.MICROSECONDS);
      }
    }

    long stop() {
      timer.shutdownNow();
      writers.shutdownNow();
      return done.get();
    }
  }

  // ---- controller process ----

  private static Process startController(KubernetesClient client, int port) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx384m");
    cmd.add("-Dkubernetes.master=" + client.getConfiguration().getMasterUrl());
    cmd.add("-Dkubernetes.auth.tryKubeConfig=false");
    cmd.add("-Dkubernetes.auth.tryServiceAccount=false");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.turnout.controller.cli.Cli");
    cmd.addAll(List.of("run", "--listen", Integer.toString(port), "--max-streams", "1024"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CompletableFuture<Void> serving = new CompletableFuture<>();
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (line.contains("informers synced")) {
                    serving.complete(null);
                  }
                  if (line.contains("WARN") || line.contains("ERROR")) {
                    System.out.println("controller: " + line);
                  }
                }
              } catch (java.io.IOException e) {
                // ended
              }
            },
            "controller-output");
    pump.setDaemon(true);
    pump.start();
    serving.get(5, TimeUnit.MINUTES);
    return p;
  }

  private static long cpuTicks(long pid) throws java.io.IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in 1/100 s
  }

  private static long rssKib(long pid) throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  // ---- the real gateway ----

  private static int greenWeight(Map<String, HostSpec> hosts) {
    HostSpec h = hosts.get(SHOP);
    if (h == null) {
      return -1;
    }
    for (VersionSpec v : h.routes().get(0).versions()) {
      if (v.name().equals("green")) {
        return v.weight();
      }
    }
    return -1;
  }

  /** A GatewayServer fed by the controller, with its sink timed. */
  private static final class GatewayProbe implements AutoCloseable {
    private final GatewayServer server;
    private volatile int weight = -1;
    private volatile long appliedAt;
    volatile long applyStartedAt;
    volatile long applyTook;
    private volatile Snapshot last;
    private final List<Long> endpointApplies = new java.util.concurrent.CopyOnWriteArrayList<>();

    GatewayProbe(int port) throws Exception {
      ControllerSnapshotSource stream =
          ControllerSnapshotSource.create(
              ControllerSnapshotSource.Settings.of(URI.create("http://127.0.0.1:" + port)));
      SnapshotSource timed =
          new SnapshotSource() {
            @Override
            public void start(SnapshotSink sink) {
              stream.start(
                  new SnapshotSink() {
                    @Override
                    public boolean offer(Snapshot s, String origin) {
                      boolean ok = sink.offer(s, origin);
                      if (ok) {
                        Map<String, HostSpec> m = new HashMap<>();
                        s.hosts().forEach(h -> m.put(h.host(), h));
                        seen(s, greenWeight(m));
                      }
                      return ok;
                    }

                    @Override
                    public boolean offerChange(
                        Snapshot s,
                        Map<String, HostSpec> hosts,
                        Map<String, Boolean> touched,
                        String origin) {
                      long t0 = System.nanoTime();
                      boolean ok = sink.offerChange(s, hosts, touched, origin);
                      long took = System.nanoTime() - t0;
                      if (ok && !touched.containsValue(false)) {
                        endpointApplies.add(took);
                      }
                      if (ok) {
                        int w = greenWeight(hosts);
                        if (w != weight) {
                          applyStartedAt = t0;
                          applyTook = took;
                        }
                        seen(s, w);
                      }
                      return ok;
                    }

                    @Override
                    public void reject(String origin, String reason) {
                      sink.reject(origin, reason);
                    }
                  });
            }

            @Override
            public void close() {
              stream.close();
            }
          };
      server =
          GatewayServer.start(
              ConfigFile.parse(
                  "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                      + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                      + "accessLog: false\n"),
              timed);
    }

    private void seen(Snapshot s, int w) {
      last = s;
      if (w != weight) {
        appliedAt = System.nanoTime();
        weight = w;
      }
    }

    boolean hasWeight(int w) {
      return weight == w;
    }

    Snapshot lastSnapshot() {
      return last;
    }

    long await(int w, long since) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (weight != w) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("gateway never applied weight " + w);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
      }
      return appliedAt;
    }

    String applySummary() {
      if (endpointApplies.isEmpty()) {
        return "(none)";
      }
      Stats s = new Stats(new ArrayList<>(endpointApplies));
      return String.format(
          Locale.ROOT,
          "%.2f / %.2f ms (n=%d)",
          s.percentileMillis(50),
          s.percentileMillis(99),
          endpointApplies.size());
    }

    void resetApply() {
      endpointApplies.clear();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /**
   * One endpoint change applied to a RoutingState holding the whole snapshot, as the gateway
   * applies a delta: 500 times, p50/p99.
   */
  private static String endpointApplyCost(Snapshot base) throws Exception {
    RoutingState state =
        new RoutingState(
            new GatewayMetrics(),
            io.turnout.bench.jmh.Fixtures.AFFINITY,
            io.turnout.gateway.config.PreviewSettings.DEFAULTS);
    if (!state.offer(base, "bench")) {
      throw new IllegalStateException("base snapshot rejected");
    }
    StreamState s = StreamState.of(base);
    List<Long> took = new ArrayList<>();
    HostSpec target = base.hosts().get(base.hosts().size() / 2);
    for (int i = 0; i < 600; i++) {
      Snapshot before = s.snapshot();
      VersionSpec v = target.routes().get(0).versions().get(0);
      List<EndpointSpec> eps = new ArrayList<>(v.endpoints());
      eps.set(0, new EndpointSpec("10.200." + (i >> 8 & 255) + "." + (i & 255), 8080));
      List<HostSpec> hosts = new ArrayList<>(before.hosts());
      int at = hosts.indexOf(s.hosts().get(target.host()));
      HostSpec changed =
          new HostSpec(
              target.host(),
              List.of(
                  new io.turnout.gateway.snapshot.RouteSpec(
                      target.routes().get(0).path(),
                      replaceFirst(
                          target.routes().get(0).versions(),
                          new VersionSpec(v.name(), v.weight(), eps, v.drainingSince(), 0)))),
              target.affinity());
      hosts.set(at, changed);
      Snapshot next = new Snapshot(before.version() + 1, hosts);
      SnapshotDelta d = SnapshotDiff.between(before, next);
      Map<String, Boolean> touched = new HashMap<>();
      s.apply(d, touched);
      long t0 = System.nanoTime();
      if (!state.offerChange(s.snapshot(), s.hosts(), touched, "bench")) {
        throw new IllegalStateException("delta rejected");
      }
      if (i >= 100) {
        took.add(System.nanoTime() - t0);
      }
    }
    Stats st = new Stats(took);
    return String.format(
        Locale.ROOT,
        "p50 %.3f ms, p99 %.3f ms (n=%d, includes building the state's snapshot list)",
        st.percentileMillis(50),
        st.percentileMillis(99),
        took.size());
  }

  /** {@code services} Services as the bench cluster has them: n/2 hosts, blue and green. */
  private static Snapshot of(int services) {
    List<HostSpec> hosts = new ArrayList<>();
    for (int app = 0; app < services / 2; app++) {
      List<VersionSpec> versions = new ArrayList<>();
      for (int v = 0; v < 2; v++) {
        List<EndpointSpec> eps = new ArrayList<>();
        for (int e = 0; e < 10; e++) {
          int ip = (2 * app + v) * 16 + e;
          eps.add(
              new EndpointSpec(
                  "10." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255), 8080));
        }
        versions.add(new VersionSpec(v == 0 ? "blue" : "green", v == 0 ? 90 : 10, eps));
      }
      hosts.add(
          new HostSpec(
              "app" + app + ".example.com",
              List.of(new io.turnout.gateway.snapshot.RouteSpec("/", versions))));
    }
    hosts.sort(java.util.Comparator.comparing(HostSpec::host));
    return new Snapshot(1, hosts);
  }

  private static List<VersionSpec> replaceFirst(List<VersionSpec> vs, VersionSpec first) {
    List<VersionSpec> out = new ArrayList<>(vs);
    out.set(0, first);
    return out;
  }

  // ---- where the time goes ----

  /** The bench's own watch on shop-green: when the API server's event with each weight arrives. */
  private static final class WeightWatch implements AutoCloseable {
    private final Map<Integer, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();
    private final io.fabric8.kubernetes.client.Watch watch;

    WeightWatch(KubernetesClient client) {
      watch =
          client
              .services()
              .inNamespace("shop")
              .withName("shop-green")
              .watch(
                  new io.fabric8.kubernetes.client.Watcher<
                      io.fabric8.kubernetes.api.model.Service>() {
                    @Override
                    public void eventReceived(
                        Action action, io.fabric8.kubernetes.api.model.Service s) {
                      long now = System.nanoTime();
                      String w = s.getMetadata().getAnnotations().get("turnout.io/weight");
                      if (w != null) {
                        seen.putIfAbsent(Integer.parseInt(w), now);
                      }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException e) {}
                  });
    }

    long await(int w) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Long at;
      while ((at = seen.get(w)) == null) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the watch never saw weight " + w);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(100_000);
      }
      return at;
    }

    @Override
    public void close() {
      watch.close();
    }
  }

  /** The legs of each weight change at one churn rate. */
  private static final class Legs {
    static final String HEADER =
        "| updates/s (achieved) | patch sent -> acknowledged (API server) | sent -> watch event"
            + " | watch event -> first subscriber has it (controller: informer, coalesce, rebuild,"
            + " diff, encode, write; SSE read) | watch event -> gateway starts applying |"
            + " gateway apply of the weight delta | controller rebuilds: per second, mean / max |\n"
            + "|---|---|---|---|---|---|---|\n";
    final List<Long> ack = new ArrayList<>();
    final List<Long> watch = new ArrayList<>();
    final List<Long> controller = new ArrayList<>();
    final List<Long> toApply = new ArrayList<>();
    final List<Long> apply = new ArrayList<>();

    void add(long start, long acked, long atWatch, long atFirst, GatewayProbe g, long atGateway) {
      ack.add(acked - start);
      watch.add(atWatch - start);
      controller.add(Math.max(0, atFirst - atWatch));
      long applyStart = g.applyStartedAt;
      toApply.add(Math.max(0, applyStart - atWatch));
      apply.add(g.applyTook);
    }

    String row(int rate, double achieved, double[] b0, double[] b1, double seconds) {
      double count = b1[1] - b0[1];
      return String.format(
          Locale.ROOT,
          "| %d (%.1f) | %s | %s | %s | %s | %s | %.1f/s, %.1f / %.1f ms |",
          rate,
          achieved,
          pp(ack),
          pp(watch),
          pp(controller),
          pp(toApply),
          pp(apply),
          count / seconds,
          count == 0 ? 0 : (b1[0] - b0[0]) / count * 1000,
          b1[2] * 1000);
    }

    private static String pp(List<Long> l) {
      Stats s = new Stats(l);
      return String.format(
          Locale.ROOT, "%.1f / %.1f ms", s.percentileMillis(50), s.percentileMillis(99));
    }
  }

  /** The controller's rebuild timer from its /metrics: sum (s), count, max (s). */
  private static double[] buildTimer(int port) {
    double[] out = new double[3];
    try {
      String text =
          Reader.HTTP
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      for (String line : text.split("\n")) {
        String[] f = line.split(" ");
        if (f.length < 2) {
          continue;
        }
        if (f[0].startsWith("turnout_controller_snapshot_build_seconds_sum")) {
          out[0] = Double.parseDouble(f[1]);
        } else if (f[0].startsWith("turnout_controller_snapshot_build_seconds_count")) {
          out[1] = Double.parseDouble(f[1]);
        } else if (f[0].startsWith("turnout_controller_snapshot_build_seconds_max")) {
          out[2] = Double.parseDouble(f[1]);
        }
      }
    } catch (Exception e) {
      System.out.println("metrics: " + e);
    }
    return out;
  }

  // ---- raw subscribers ----

  /** A raw delta subscriber: SSE over the JDK client, applied with the gateway's StreamState. */
  private static final class Reader implements AutoCloseable {
    private static final HttpClient HTTP =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final AtomicLong bytes = new AtomicLong();
    private final Thread thread;
    private volatile int weight = -1;
    private volatile long weightAt;
    private volatile Stream<String> body;

    Reader(int port) {
      thread =
          new Thread(
              () -> {
                try {
                  HttpResponse<Stream<String>> res =
                      HTTP.send(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/v1/snapshots?delta=1"))
                              .build(),
                          HttpResponse.BodyHandlers.ofLines());
                  body = res.body();
                  read(res.body());
                } catch (Exception e) {
                  System.out.println("subscriber ended: " + e);
                }
              },
              "fleet-subscriber");
      thread.setDaemon(true);
      thread.start();
    }

    private void read(Stream<String> lines) throws Exception {
      StreamState state = null;
      String event = null;
      StringBuilder data = new StringBuilder();
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        String line = it.next();
        bytes.addAndGet(line.length() + 1);
        if (!line.isEmpty()) {
          if (line.startsWith("event: ")) {
            event = line.substring(7);
          } else if (line.startsWith("data: ")) {
            data.append(line, 6, line.length());
          }
          continue;
        }
        if ("snapshot".equals(event)) {
          state =
              StreamState.of(
                  SnapshotJson.read(SnapshotJson.json(), data.toString(), Snapshot.class));
        } else if ("delta".equals(event) && state != null) {
          state.apply(
              SnapshotJson.read(SnapshotJson.json(), data.toString(), SnapshotDelta.class),
              new HashMap<>());
        }
        if (state != null) {
          int w = greenWeight(state.hosts());
          if (w != weight) {
            weightAt = System.nanoTime();
            weight = w;
          }
        }
        event = null;
        data.setLength(0);
      }
    }

    int weight() {
      return weight;
    }

    long await(int w) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (weight != w) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a subscriber never got weight " + w);
        }
        java.util.concurrent.locks.LockSupport.parkNanos(200_000);
      }
      return weightAt;
    }

    @Override
    public void close() {
      Stream<String> b = body;
      if (b != null) {
        b.close();
      }
      thread.interrupt();
    }
  }

  // ---- chart ----

  /** p50 and p99 of both measures against the achieved churn rate, as a small SVG line chart. */
  static String svg(List<double[]> points) {
    int w = 640;
    int h = 360;
    int left = 60;
    int bottom = 40;
    double maxX = 1;
    double maxY = 1;
    for (double[] p : points) {
      maxX = Math.max(maxX, p[0]);
      for (int i = 1; i < p.length; i++) {
        maxY = Math.max(maxY, p[i]);
      }
    }
    maxY *= 1.1;
    StringBuilder sb = new StringBuilder();
    sb.append(
            String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                    + " font-family=\"sans-serif\" font-size=\"11\">\n",
                w,
                h))
        .append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    int pw = w - left - 20;
    int ph = h - bottom - 30;
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n"
                + "<line x1=\"%d\" y1=\"30\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n",
            left,
            30 + ph,
            left + pw,
            30 + ph,
            left,
            left,
            30 + ph));
    sb.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\">EndpointSlice updates/s (achieved), 0..%.0f</text>\n"
                + "<text x=\"5\" y=\"20\">weight change propagation, ms (0..%.0f)</text>\n",
            left + pw / 3,
            h - 8,
            maxX,
            maxY));
    String[] names = {"gateway p50", "gateway p99", "last subscriber p50", "last subscriber p99"};
    String[] colors = {"#1f77b4", "#1f77b4", "#d62728", "#d62728"};
    String[] dash = {"", " stroke-dasharray=\"5,3\"", "", " stroke-dasharray=\"5,3\""};
    for (int s = 0; s < 4; s++) {
      StringBuilder path = new StringBuilder();
      for (double[] p : points) {
        double x = left + p[0] / maxX * pw;
        double y = 30 + ph - p[s + 1] / maxY * ph;
        path.append(path.length() == 0 ? "M" : " L")
            .append(String.format(Locale.ROOT, "%.1f %.1f", x, y));
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n"
                  + "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>\n",
              path,
              colors[s],
              dash[s],
              left + 10,
              45 + 14 * s,
              colors[s],
              names[s]));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"gray\""
                + " stroke-dasharray=\"2,2\"/><text x=\"%d\" y=\"%.1f\" fill=\"gray\">250 ms"
                + " target</text>\n",
            left,
            30 + ph - 250 / maxY * ph,
            left + pw,
            30 + ph - 250 / maxY * ph,
            left + pw - 70,
            26 + ph - 250 / maxY * ph));
    return sb.append("</svg>\n").toString();
  }
}
