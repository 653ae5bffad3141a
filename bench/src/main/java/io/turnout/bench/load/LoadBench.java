package io.turnout.bench.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.turnout.bench.upstream.FastUpstream;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load benchmark: Turnout, nginx and HAProxy in front of the same two apps, and the blue app
 * directly, under each {@link Scenario}, interleaved (direct turnout nginx haproxy, direct turnout
 * nginx haproxy, ...) for several rounds. Writes one CSV line per run and a JSON file describing
 * the machine and the exact commands; {@link io.turnout.bench.report.Report} turns both into
 * RESULTS.md and the chart.
 *
 * <p>Everything listens on 127.0.0.1 only, and every wrk run is bounded by its duration.
 *
 * <p>Options: {@code --duration S} (per run, default 10), {@code --rounds N} (default 3), {@code
 * --warmup S} (per target, default 12), {@code --scenarios a,b}, {@code --targets a,b}, {@code
 * --gateway-jar PATH}, {@code --work DIR}, {@code --out DIR}, {@code --turnout-java-opts "..."}.
 */
public final class LoadBench {
  static final int BLUE_PORT = 19101;
  static final int GREEN_PORT = 19102;
  static final int TURNOUT_PORT = 18081;
  static final int TURNOUT_ADMIN_PORT = 19911;
  static final int NGINX_PORT = 18082;
  static final int HAPROXY_PORT = 18083;
  static final int RELAY_BYTES_PORT = 18084;
  static final int RELAY_HTTP_PORT = 18085;
  static final int RELAY_SPLICE_PORT = 18086;
  static final int TURNOUT_EPOLL_PORT = 18087;
  static final int TURNOUT_EPOLL_ADMIN_PORT = 19912;

  /**
   * The JVM options the README recommends for the gateway ("Memory and speed"): a heap that starts
   * at 32 MiB and grows to 128 MiB only when a full collection finds it too small (about 3.3 KiB
   * per open connection: 128 MiB covers the default 10,000) and shrinks back when mostly free, a 16
   * MiB young generation with survivor spaces that hold the requests in flight, the serial
   * collector, small thread stacks, a capped code cache and direct memory, and the native heap
   * trimmed every 5 s. {@link TurnoutTarget} adds the README's MALLOC_ARENA_MAX=2.
   */
  static final String TURNOUT_JAVA_OPTS_DEFAULT =
      "-Xms32m -Xmx128m -Xmn16m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10"
          + " -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m"
          + " -XX:MaxDirectMemorySize=128m -XX:TrimNativeHeapInterval=5000";

  /**
   * Weight steps of the shift scenario, one per second: ramp, switch, switch back, ramp, switch.
   */
  static final int[][] SHIFT_STEPS = {
    {80, 20}, {65, 35}, {50, 50}, {25, 75}, {0, 100}, {100, 0}, {90, 10}, {50, 50}, {0, 100}
  };

  private final Map<String, String> opts;
  private final int duration;
  private final int rounds;
  private final int warmup;
  private final Path work;
  private final Path out;
  private final List<Process> apps = new ArrayList<>();
  private final List<Target> targets = new ArrayList<>();

  private LoadBench(Map<String, String> opts) {
    this.opts = opts;
    this.duration = Integer.parseInt(opts.getOrDefault("duration", "10"));
    this.rounds = Integer.parseInt(opts.getOrDefault("rounds", "3"));
    this.warmup = Integer.parseInt(opts.getOrDefault("warmup", "12"));
    this.work = Path.of(opts.getOrDefault("work", "bench/target/load")).toAbsolutePath();
    this.out = Path.of(opts.getOrDefault("out", "bench/results")).toAbsolutePath();
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      opts.put(args[i].substring(2), args[i + 1]);
    }
    LoadBench bench = new LoadBench(opts);
    Runtime.getRuntime().addShutdownHook(new Thread(bench::stopAll));
    try {
      bench.run();
    } finally {
      bench.stopAll();
    }
  }

  private void run() throws Exception {
    Files.createDirectories(work);
    Files.createDirectories(out);
    List<Scenario> scenarios =
        Arrays.stream(opts.getOrDefault("scenarios", ids(Scenario.values())).split(","))
            .map(Scenario::byId)
            .toList();
    List<String> targetNames =
        List.of(
            opts.getOrDefault("targets", "direct,turnout,nginx,haproxy,relay-bytes,relay-http")
                .split(","));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("started", Instant.now().toString());
    meta.put("machine", Machine.describe());
    meta.put("loadBefore", Machine.loadAverage());
    meta.put("durationSeconds", duration);
    meta.put("rounds", rounds);
    meta.put("warmupSeconds", warmUpSeconds());

    for (int port :
        List.of(
            BLUE_PORT,
            GREEN_PORT,
            TURNOUT_PORT,
            TURNOUT_ADMIN_PORT,
            NGINX_PORT,
            HAPROXY_PORT,
            RELAY_BYTES_PORT,
            RELAY_HTTP_PORT)) {
      ensureFree(port);
    }
    startApps();
    for (String t : targetNames) {
      targets.add(newTarget(t));
    }
    for (Target t : targets) {
      log("starting " + t.name);
      t.start();
    }
    Map<String, Path> scripts = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      scripts.put(s.id, Wrk.script(work, s));
    }
    warmUp(scripts);

    Path csv = out.resolve("load-runs.csv");
    long started = System.nanoTime();
    try (PrintWriter w =
        new PrintWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8), true)) {
      w.println(RunResult.CSV_HEADER);
      for (int round = 1; round <= rounds; round++) {
        List<Target> order = inRoundOrder(round);
        for (Scenario s : scenarios) {
          for (Target t : order) {
            if (s == Scenario.SHIFT && !t.supportsShift()) {
              continue;
            }
            RunResult r = measure(t, s, scripts.get(s.id), round);
            w.println(r.csv());
            log(
                String.format(
                    "round %d %-13s %-8s %9.0f req/s  p99 %7.2f ms  cpu %.3f s/10k  rss %5.0f MiB"
                        + "  errors %d/%d",
                    round,
                    s.id,
                    t.name,
                    r.rps(),
                    r.p99Ms(),
                    r.cpuPer10k(),
                    r.peakRssMiB(),
                    r.socketErrors(),
                    r.non2xx()));
            Thread.sleep(500);
          }
        }
      }
    }
    meta.put("measuredSeconds", (System.nanoTime() - started) / 1_000_000_000L);
    meta.put("loadAfter", Machine.loadAverage());
    meta.put("finished", Instant.now().toString());
    meta.put("commands", commands(scenarios, scripts));
    copyConfigs(scripts);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.resolve("load-meta.json").toFile(), meta);
    log("wrote " + csv + " and load-meta.json");
  }

  /**
   * The targets in the order round {@code round} runs them: the list rotated by one more place each
   * round, so no target always runs right after the same one. The run before leaves the apps busy
   * for a moment (their collections, their JIT), most of all {@code direct}'s, which loads them at
   * twice any proxy's rate; with a fixed order Turnout, second in the list, always ran in what it
   * left.
   */
  private List<Target> inRoundOrder(int round) {
    List<Target> order = new ArrayList<>(targets);
    Collections.rotate(order, -((round - 1) % order.size()));
    return order;
  }

  private RunResult measure(Target t, Scenario s, Path script, int round) throws Exception {
    if (s == Scenario.SHIFT) {
      t.setWeights(90, 10);
      Thread.sleep(1000); // the file watcher polls every 200 ms; nginx's old workers wind down
    }
    long pid = t.measuredPid();
    Procs.resetPeakRss(pid);
    AtomicLong peakKb = new AtomicLong(Procs.statusKb(pid, "VmRSS"));
    AtomicInteger failedChanges = new AtomicInteger();
    ScheduledExecutorService sched = Executors.newScheduledThreadPool(2);
    // Sum of RSS over the tree, sampled: nginx's workers come and go with each reload.
    sched.scheduleAtFixedRate(
        () -> peakKb.accumulateAndGet(Procs.statusKb(pid, "VmRSS"), Math::max),
        250,
        250,
        TimeUnit.MILLISECONDS);
    if (s == Scenario.SHIFT) {
      for (int i = 0; i < SHIFT_STEPS.length && i + 1 < duration; i++) {
        int[] step = SHIFT_STEPS[i];
        sched.schedule(
            () -> {
              try {
                t.setWeights(step[0], step[1]);
              } catch (Exception e) {
                failedChanges.incrementAndGet();
                log(t.name + ": weight change failed: " + e);
              }
            },
            i + 1,
            TimeUnit.SECONDS);
      }
    }
    long ticks0 = Procs.cpuTicks(pid);
    List<String> cmd = Wrk.command(s, script, "http://127.0.0.1:" + t.port + s.path, duration);
    Map<String, Long> m = Wrk.run(cmd, duration);
    long ticks1 = Procs.cpuTicks(pid);
    long endKb = Procs.statusKb(pid, "VmRSS");
    sched.shutdownNow();
    sched.awaitTermination(5, TimeUnit.SECONDS);
    long hwm = Procs.statusKb(pid, "VmHWM");
    if (!t.process.isAlive()) {
      throw new IllegalStateException(t.name + " died during " + s.id);
    }
    if (failedChanges.get() > 0) {
      throw new IllegalStateException(t.name + ": " + failedChanges + " weight changes failed");
    }
    long requests = m.get("requests");
    double seconds = m.get("duration_us") / 1e6;
    double cpu = (ticks1 - ticks0) / Procs.TICKS_PER_SECOND;
    long socketErrors = m.get("connect") + m.get("read") + m.get("write") + m.get("timeout");
    long non2xx = s == Scenario.SHIFT ? m.get("non2xx") : m.get("status");
    return new RunResult(
        s.id,
        t.name,
        round,
        requests / seconds,
        m.get("p50_us") / 1000.0,
        m.get("p99_us") / 1000.0,
        m.get("p999_us") / 1000.0,
        requests,
        socketErrors,
        non2xx,
        cpu,
        requests == 0 ? 0 : cpu / requests * 10_000,
        Math.max(peakKb.get(), hwm) / 1024.0,
        m.get("blue"),
        m.get("green"),
        endKb / 1024.0);
  }

  /**
   * The warm-up: two passes over every load shape the rounds use (small GETs twice as long as the
   * rest). A JVM's compiler keeps recompiling for a minute or two after the traffic's mix changes,
   * and a shape it meets first inside a measured round shows up in that round's tail, not in steady
   * operation. The shift scenario's traffic is small GETs; its weight changes are not repeated.
   */
  private static final List<Scenario> WARM_UP_PASS =
      List.of(
          Scenario.GET_KEEPALIVE,
          Scenario.GET_KEEPALIVE,
          Scenario.CONNECTIONS_1000,
          Scenario.BIG_RESPONSE,
          Scenario.NEW_CONNECTION,
          Scenario.POST_1MIB);

  private static final int WARM_UP_PASSES = 2;

  /** Seconds of each step of the warm-up: {@code --warmup} split evenly, at least one. */
  private int warmUpStep() {
    return Math.max(1, warmup / (WARM_UP_PASSES * WARM_UP_PASS.size()));
  }

  /** What the warm-up takes per target, which rounding makes differ a little from --warmup. */
  private int warmUpSeconds() {
    return warmUpStep() * WARM_UP_PASSES * WARM_UP_PASS.size();
  }

  /** JIT and connection pools warm before anything counts; the same for every target. */
  private void warmUp(Map<String, Path> scripts) throws Exception {
    int step = warmUpStep();
    for (Target t : targets) {
      log("warming up " + t.name + " for " + warmUpSeconds() + " s");
      for (int i = 0; i < WARM_UP_PASSES; i++) {
        for (Scenario s : WARM_UP_PASS) {
          Wrk.run(warmCommand(t, s, scripts, step), step);
        }
      }
    }
  }

  private List<String> warmCommand(Target t, Scenario s, Map<String, Path> scripts, int seconds)
      throws IOException {
    Path script = scripts.containsKey(s.id) ? scripts.get(s.id) : Wrk.script(work, s);
    return Wrk.command(s, script, "http://127.0.0.1:" + t.port + s.path, seconds);
  }

  /** Refuses to start when a port is taken: wrk would measure someone else's server. */
  private static void ensureFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
    } catch (IOException e) {
      throw new IllegalStateException(
          "port " + port + " on 127.0.0.1 is in use; stop what holds it (a previous run?)", e);
    }
  }

  private static Path benchJar() {
    try {
      return Path.of(
          FastUpstream.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startApps() throws Exception {
    String benchJar = benchJar().toString();
    for (String[] app : new String[][] {{"blue", "" + BLUE_PORT}, {"green", "" + GREEN_PORT}}) {
      Path log = work.resolve("app-" + app[0] + ".log");
      Process p =
          new ProcessBuilder(
                  "java",
                  "-Xms256m",
                  "-Xmx256m",
                  "-XX:+UseParallelGC",
                  "-cp",
                  benchJar,
                  FastUpstream.class.getName(),
                  app[0],
                  app[1],
                  "2")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      apps.add(p);
    }
  }

  /** The gateway's JVM options ({@code --turnout-java-opts}), which the relays run with too. */
  private List<String> turnoutJavaOptions() {
    return List.of(
        opts.getOrDefault("turnout-java-opts", TURNOUT_JAVA_OPTS_DEFAULT).trim().split("\\s+"));
  }

  private Target newTarget(String name) {
    return switch (name) {
      case "direct" -> new DirectTarget(work, apps.get(0), BLUE_PORT);
      case "turnout", "turnout-epoll" -> {
        boolean epoll = name.equals("turnout-epoll");
        List<String> javaOptions = new ArrayList<>(turnoutJavaOptions());
        if (epoll) {
          javaOptions.add("-Dturnout.transport=epoll");
        }
        yield new TurnoutTarget(
            name,
            work,
            epoll ? TURNOUT_EPOLL_PORT : TURNOUT_PORT,
            epoll ? TURNOUT_EPOLL_ADMIN_PORT : TURNOUT_ADMIN_PORT,
            Path.of(opts.getOrDefault("gateway-jar", "gateway/target/turnout-gateway.jar")),
            javaOptions,
            BLUE_PORT,
            GREEN_PORT);
      }
      case "nginx" -> new NginxTarget(work, NGINX_PORT, BLUE_PORT, GREEN_PORT);
      case "haproxy" -> new HaproxyTarget(work, HAPROXY_PORT, BLUE_PORT, GREEN_PORT);
      case "relay-bytes", "relay-http", "relay-splice" -> {
        String mode = name.substring("relay-".length());
        yield new RelayTarget(
            work,
            mode,
            switch (mode) {
              case "bytes" -> RELAY_BYTES_PORT;
              case "http" -> RELAY_HTTP_PORT;
              default -> RELAY_SPLICE_PORT;
            },
            benchJar(),
            turnoutJavaOptions(),
            BLUE_PORT);
      }
      default -> throw new IllegalArgumentException("unknown target " + name);
    };
  }

  private Map<String, Object> commands(List<Scenario> scenarios, Map<String, Path> scripts) {
    Map<String, Object> c = new LinkedHashMap<>();
    Map<String, String> wrk = new LinkedHashMap<>();
    for (Scenario s : scenarios) {
      List<String> cmd =
          Wrk.command(
              s, Path.of("configs", s.id + ".lua"), "http://127.0.0.1:PORT" + s.path, duration);
      wrk.put(s.id, shellJoin(cmd));
    }
    c.put("wrk", wrk);
    Map<String, String> procs = new LinkedHashMap<>();
    for (Target t : targets) {
      procs.put(t.name, t.command().isEmpty() ? "(the blue app)" : shellJoin(t.command()));
    }
    procs.put(
        "apps",
        "java -Xms256m -Xmx256m -XX:+UseParallelGC -cp turnout-bench.jar "
            + FastUpstream.class.getName()
            + " blue|green "
            + BLUE_PORT
            + "|"
            + GREEN_PORT
            + " 2");
    c.put("processes", procs);
    Map<String, String> ports = new LinkedHashMap<>();
    Map<String, String> shift = new LinkedHashMap<>();
    for (Target t : targets) {
      ports.put(t.name, Integer.toString(t.port));
      shift.put(t.name, t.weightChangeMethod());
    }
    c.put("ports", ports);
    c.put("weightChange", shift);
    StringBuilder steps = new StringBuilder("90/10");
    for (int i = 0; i < SHIFT_STEPS.length && i + 1 < duration; i++) {
      steps.append(" -> ").append(SHIFT_STEPS[i][0]).append('/').append(SHIFT_STEPS[i][1]);
    }
    c.put("shiftSteps", steps.toString());
    return c;
  }

  private void copyConfigs(Map<String, Path> scripts) throws IOException {
    Path dir = out.resolve("configs");
    Files.createDirectories(dir);
    for (Target t : targets) {
      if (t.configFile() != null) {
        t.writeConfig(90, 10);
        Files.copy(
            t.configFile(),
            dir.resolve(t.configFile().getFileName()),
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    for (Path p : scripts.values()) {
      Files.copy(p, dir.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private synchronized void stopAll() {
    for (Target t : targets) {
      t.stop();
    }
    targets.clear();
    for (Process p : apps) {
      p.destroy();
    }
    apps.clear();
  }

  private static String ids(Scenario[] all) {
    return String.join(",", Arrays.stream(all).map(s -> s.id).toList());
  }

  static String shellJoin(List<String> cmd) {
    StringBuilder sb = new StringBuilder();
    for (String a : cmd) {
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(a.matches("[A-Za-z0-9_./:=,+@%-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  static void log(String msg) {
    System.out.println("[load] " + msg);
  }
}
