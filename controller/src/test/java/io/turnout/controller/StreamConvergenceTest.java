package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotChecksum;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.testing.ForkedGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delta stream end to end: 200 Services on the mock API server, a controller, a gateway in its
 * own process and raw subscribers applying deltas with the gateway's code. A random sequence of
 * endpoint, weight and Service changes runs while subscribers drop their connections and resume,
 * and the controller restarts once; afterwards every one holds the controller's state, checked by
 * checksum, no delta ever failed its checksum, and the controller's incrementally assembled state
 * equals a whole rebuild.
 */
class StreamConvergenceTest {
  private static final int APPS = 100; // x 2 versions = 200 Services
  private static final String TOKEN = "convergence-token";

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private FakeCluster cluster;
  private Controller controller;
  @TempDir Path dir;

  @AfterEach
  void stop() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    if (controller != null) {
      controller.close();
    }
    cluster.close();
  }

  private Controller startController(int port) {
    return Controller.start(
        cluster.client(),
        new Controller.Settings(
            List.of(),
            Duration.ofMillis(25),
            io.turnout.controller.server.SnapshotServer.Settings.defaults(port)
                .withEndpointCoalesce(Duration.ofMillis(50))
                .withStreamToken(TOKEN)));
  }

  private static List<String> ips(Random rnd) {
    List<String> out = new ArrayList<>();
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      out.add("10." + rnd.nextInt(4) + "." + rnd.nextInt(250) + "." + (1 + rnd.nextInt(250)));
    }
    return out.stream().distinct().toList();
  }

  private void app(int i, Random rnd) {
    // Each app's own Random: the parallel set-up stays deterministic.
    for (String v : List.of("blue", "green")) {
      Map<String, String> a = new LinkedHashMap<>();
      a.put("turnout.io/host", "app-" + i + ".test");
      a.put("turnout.io/version", v);
      a.put("turnout.io/weight", v.equals("blue") ? "100" : "0");
      cluster.service("apps", "app-" + i + "-" + v, a);
      cluster.slice("apps", "app-" + i + "-" + v, "http", 8080, ips(rnd), List.of());
    }
  }

  @Test
  void everySubscriberConvergesToTheControllersStateThroughChangesDropsAndARestart()
      throws Exception {
    cluster = new FakeCluster();
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // The gateway process starts (a JVM: seconds) while the cluster fills; it retries meanwhile.
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, TOKEN + "\n");
    int controllerPort = port;
    java.util.concurrent.CompletableFuture<ForkedGateway> starting =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return ForkedGateway.start(
                    "shutdown: { drainDelay: 0s, timeout: 1s }\naccessLog: false\n",
                    List.of(
                        "--controller",
                        "http://127.0.0.1:" + controllerPort,
                        "--stream-token-file",
                        tokenFile.toString()));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    parallel(APPS, i -> app(i, new Random(i)));
    controller = startController(port);
    ForkedGateway gateway = starting.get(120, java.util.concurrent.TimeUnit.SECONDS);
    closeables.add(gateway);
    await().atMost(Duration.ofSeconds(60)).until(controller::ready);
    List<DeltaReader> readers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      DeltaReader r = new DeltaReader(port, TOKEN);
      closeables.add(r);
      readers.add(r);
    }
    awaitConvergence(readers, gateway);

    // Four writers on disjoint apps, 30 random steps each, before and after a controller restart.
    parallel(4, t -> changes(t, 30, readers));
    controller.close();
    controller = startController(port);
    parallel(4, t -> changes(4 + t, 30, readers));

    await().atMost(Duration.ofSeconds(60)).until(controller::ready);
    awaitConvergence(readers, gateway);
    // Every change after the restart went through the incremental assembly: it still equals a
    // whole rebuild of the same caches.
    assertTrue(
        controller.verifySnapshot().get(60, java.util.concurrent.TimeUnit.SECONDS),
        "the incrementally kept snapshot equals a whole rebuild");
    for (DeltaReader r : readers) {
      assertEquals(0, r.failedDeltas.get(), "no delta failed its checksum");
      assertTrue(r.deltas.get() > 0, "deltas were used, not only full snapshots");
    }
    assertTrue(
        readers.stream().mapToInt(r -> r.resumedWithDeltas.get()).sum() > 0,
        "a dropped subscriber resumed from held deltas");
    assertTrue(
        !gateway.log().contains("reconnecting for a full snapshot"),
        "the gateway never needed a resync:\n" + gateway.log());
  }

  /** Runs {@code task(0..n-1)} on 8 threads and waits; the mock API server takes them at once. */
  private static void parallel(int n, java.util.function.IntConsumer task) throws Exception {
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(Math.min(n, 8));
    try {
      List<java.util.concurrent.Future<?>> all = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        all.add(pool.submit(() -> task.accept(k)));
      }
      for (java.util.concurrent.Future<?> f : all) {
        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** {@code steps} random changes to the apps {@code a} with {@code a % 4 == writer % 4}. */
  private void changes(int writer, int steps, List<DeltaReader> readers) {
    Random rnd = new Random(1000 + writer);
    for (int step = 0; step < steps; step++) {
      int app = 4 * rnd.nextInt(APPS / 4) + writer % 4;
      String version = rnd.nextBoolean() ? "blue" : "green";
      String green = "app-" + app + "-green";
      boolean greenGone =
          cluster.client().services().inNamespace("apps").withName(green).get() == null;
      int roll = rnd.nextInt(100);
      if (greenGone && version.equals("green") && roll < 87) {
        roll = 90; // bring it back rather than touch what is not there
      }
      if (roll < 65) {
        cluster.slice("apps", "app-" + app + "-" + version, "http", 8080, ips(rnd), List.of());
      } else if (roll < 80) {
        cluster.annotate(
            "apps", "app-" + app + "-" + version, "turnout.io/weight", "" + rnd.nextInt(101));
      } else if (roll < 87) {
        cluster.deleteService("apps", green);
        cluster.deleteSlice("apps", green);
      } else if (roll < 94) {
        if (greenGone) {
          Map<String, String> a = new LinkedHashMap<>();
          a.put("turnout.io/host", "app-" + app + ".test");
          a.put("turnout.io/version", "green");
          a.put("turnout.io/weight", "10");
          cluster.service("apps", green, a);
          cluster.slice("apps", green, "http", 8080, ips(rnd), List.of());
        }
      } else {
        readers.get(rnd.nextInt(readers.size())).disconnect();
      }
    }
  }

  private void awaitConvergence(List<DeltaReader> readers, ForkedGateway gateway) {
    HttpClient http = HttpClient.newHttpClient();
    // A liveness bound, not a speed target: on a loaded 2-core box a forked gateway and three
    // readers catching up after a controller restart took over a minute once.
    await()
        .atMost(Duration.ofSeconds(150))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              Snapshot truth = controller.current();
              String want = SnapshotChecksum.of(truth).value();
              for (DeltaReader r : readers) {
                assertEquals(want, r.checksum(), "raw subscriber");
              }
              assertEquals(want, gatewayChecksum(http, gateway), "gateway process");
              assertTrue(Objects.requireNonNull(truth).hosts().size() > 0);
            });
  }

  private static String gatewayChecksum(HttpClient http, ForkedGateway gateway)
      throws java.io.IOException, InterruptedException, ConfigException {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gateway.adminPort() + "/snapshot"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      return "(no snapshot: " + res.statusCode() + ")";
    }
    return SnapshotChecksum.of(SnapshotJson.read(SnapshotJson.json(), res.body(), Snapshot.class))
        .value();
  }
}
