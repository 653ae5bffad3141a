package io.turnout.gateway;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.demo.DemoCommand;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.report.FleetReporter;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.source.DrainAuthority;
import io.turnout.gateway.source.FileSnapshotSource;
import io.turnout.gateway.source.SnapshotSink;
import io.turnout.gateway.source.SnapshotSource;
import io.turnout.gateway.source.StreamTokenFile;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code turnout-gateway}: runs the gateway from a config file, or the self-contained demo. */
@Command(
    name = "turnout-gateway",
    mixinStandardHelpOptions = true,
    version = "turnout-gateway 0.1.0",
    description =
        "Traffic-shifting ingress gateway: routes by host, splits by weight, pins each"
            + " client to one version.",
    subcommands = {DemoCommand.class})
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Config file (YAML or JSON); watched and re-applied on change.")
  Path config;

  @Option(
      names = "--controller",
      paramLabel = "URL",
      description =
          "Stream routes from a Turnout controller (http://turnout-controller:8090). The"
              + " config file is then optional and its hosts are ignored.")
  URI controller;

  @Option(
      names = "--snapshot-cache",
      paramLabel = "FILE",
      description =
          "With --controller: keep the last snapshot in FILE and serve it at start while the"
              + " controller cannot be reached.")
  Path snapshotCache;

  @Option(
      names = "--report-to",
      paramLabel = "URL",
      description =
          "With --controller: controller URL(s) to send per-version counters to every second"
              + " (default: the --controller URL). Each name is resolved to all its addresses,"
              + " so a headless Service name reaches every controller replica.")
  List<URI> reportTo = new ArrayList<>();

  private static final Duration REPORT_PERIOD = Duration.ofSeconds(1);

  @Option(
      names = "--stream-token-file",
      paramLabel = "FILE",
      description =
          "With --controller: send Authorization: Bearer <the file's content> on the snapshot"
              + " stream (read at start).")
  Path streamTokenFile;

  public static void main(String[] args) {
    NettyDefaults.apply();
    int code = new CommandLine(new Main()).execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (controller != null) {
      String token;
      try {
        token = StreamTokenFile.read(streamTokenFile, "--stream-token-file");
      } catch (IllegalArgumentException e) {
        System.err.println("turnout-gateway: " + e.getMessage());
        return 2;
      }
      return runFromController(controller, config, snapshotCache, reportTo, token);
    }
    if (streamTokenFile != null) {
      System.err.println("turnout-gateway: --stream-token-file needs --controller");
      return 2;
    }
    if (snapshotCache != null) {
      System.err.println("turnout-gateway: --snapshot-cache needs --controller");
      return 2;
    }
    if (config == null) {
      System.err.println(
          "turnout-gateway: give --config FILE (or run the 'demo' verb); see --help");
      return 2;
    }
    return runFromFile(config);
  }

  /** Passes config-file edits to the running gateway (none yet during start-up). */
  private static Consumer<GatewayConfig> settingsListener(AtomicReference<GatewayServer> server) {
    return c -> {
      GatewayServer s = server.get();
      if (s != null) {
        s.settingsChanged(c);
      }
    };
  }

  private static Supplier<GatewayMetrics> metricsOf(AtomicReference<GatewayServer> server) {
    return () -> server.get() == null ? null : server.get().metrics();
  }

  /** Prints every problem of an invalid config file; returns the exit code for it. */
  private static int reportInvalid(Path file, ConfigException e) {
    System.err.println("turnout-gateway: invalid config " + file + ":");
    e.problems().forEach(p -> System.err.println("  " + p));
    return 1;
  }

  /** Runs a gateway whose routes come from {@code file} until SIGTERM or Ctrl-C. */
  public static int runFromFile(Path file) throws InterruptedException {
    return runFromFile(file, null);
  }

  /**
   * Runs a gateway whose routes come from {@code file} while {@code task} runs against it (on this
   * thread), then stops it gracefully; returns the task's exit code, or the config's when invalid.
   * {@code demo --self-test} uses it.
   */
  public static int runFromFileWhile(Path file, ToIntFunction<GatewayServer> task)
      throws InterruptedException {
    return runFromFile(file, task);
  }

  /** With a task: until it ends ({@link #runFromFileWhile}); without: until a signal. */
  private static int runFromFile(Path file, ToIntFunction<GatewayServer> task)
      throws InterruptedException {
    AtomicReference<GatewayServer> server = new AtomicReference<>();
    FileSnapshotSource source = new FileSnapshotSource(file, settingsListener(server), true);
    GatewayConfig initial;
    try {
      initial = source.loadInitial();
    } catch (ConfigException e) {
      return reportInvalid(file, e);
    }
    if (task == null) {
      return runUntilStopped(initial, source, server);
    }
    GatewayServer started = GatewayServer.start(initial, source);
    server.set(started);
    try {
      return task.applyAsInt(started);
    } finally {
      started.close();
    }
  }

  /**
   * Runs a gateway whose routes stream from a controller; the optional config file still gives
   * every other setting (and is watched for them).
   */
  public static int runFromController(URI url, Path file, Path cache) throws InterruptedException {
    return runFromController(url, file, cache, List.of(), null);
  }

  /**
   * As {@link #runFromController(URI, Path, Path)}, reporting to {@code reportTo} (empty: the
   * controller) and sending {@code streamToken} (or none) on the stream.
   */
  public static int runFromController(
      URI url, Path file, Path cache, List<URI> reportTo, String streamToken)
      throws InterruptedException {
    AtomicReference<GatewayServer> server = new AtomicReference<>();
    AtomicReference<FleetReporter> reporter = new AtomicReference<>();
    GatewayConfig initial = GatewayConfig.defaults();
    FileSnapshotSource settings = null;
    if (file != null) {
      settings = new FileSnapshotSource(file, settingsListener(server), false);
      try {
        initial = settings.loadInitial();
      } catch (ConfigException e) {
        return reportInvalid(file, e);
      }
    }
    ControllerSnapshotSource routes;
    try {
      routes =
          ControllerSnapshotSource.create(
              ControllerSnapshotSource.Settings.of(url)
                  .withCacheFile(cache)
                  .withStreamToken(streamToken));
    } catch (IllegalArgumentException e) {
      System.err.println("turnout-gateway: " + e.getMessage());
      return 2;
    }
    FileSnapshotSource settingsSource = settings;
    List<URI> reportTargets = reportTo.isEmpty() ? List.of(url) : reportTo;
    SnapshotSource both =
        new SnapshotSource() {
          @Override
          public void start(SnapshotSink sink) {
            if (settingsSource != null) {
              settingsSource.start(sink); // settings only: routesFromFile is false
            }
            routes.start(sink);
            reporter.set(
                FleetReporter.start(reportTargets, metricsOf(server), REPORT_PERIOD, streamToken));
          }

          @Override
          public DrainAuthority drainAuthority() {
            return routes.drainAuthority();
          }

          @Override
          public void close() {
            if (reporter.get() != null) {
              reporter.get().close();
            }
            routes.close();
            if (settingsSource != null) {
              settingsSource.close();
            }
          }
        };
    return runUntilStopped(initial, both, server);
  }

  /**
   * Starts the gateway and blocks until SIGTERM/SIGINT, then shuts down gracefully. Returns 0 after
   * a clean stop, so orchestrators see a successful exit.
   */
  public static int runUntilStopped(
      GatewayConfig config, SnapshotSource source, AtomicReference<GatewayServer> holder)
      throws InterruptedException {
    GatewayServer server = GatewayServer.start(config, source);
    holder.set(server);
    CountDownLatch stopped = new CountDownLatch(1);
    Runnable stop =
        () -> {
          try {
            server.close();
          } finally {
            stopped.countDown();
          }
        };
    SignalHandlers.onTermination(stop);
    stopped.await();
    log.info("bye");
    return 0;
  }
}
