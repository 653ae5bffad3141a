package io.turnout.bench.controller;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.turnout.controller.Controller;
import io.turnout.controller.DeltaReader;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotChecksum;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The correctness run of issue 15 at length: {@code changes} random changes (EndpointSlice updates,
 * weight changes, Services deleted and re-created, subscribers dropped and resuming with {@code
 * Last-Event-ID}) on the fabric8 mock API server, with the controller restarted twice, then every
 * subscriber and a real gateway must hold the controller's state (same checksum), no delta may have
 * failed its checksum, and the controller's incrementally assembled state must equal a whole
 * rebuild. The controller runs in this JVM (so it can be restarted and asked to verify); this is
 * about correctness, not speed ({@link FleetBench} measures that).
 *
 * <p>Args: {@code [apps=100] [subscribers=8] [changes=10000]} (apps x 2 Services).
 */
public final class FleetConvergenceBench {
  private FleetConvergenceBench() {}

  public static void main(String[] args) throws Exception {
    int apps = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int subscribers = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int changes = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
    KubernetesMockServer api = MockApiServer.startCrud();
    KubernetesClient client = api.createClient();
    for (int i = 0; i < apps; i++) {
      Random rnd = new Random(i);
      service(client, i, "blue", 100);
      slice(client, i, "blue", rnd);
      service(client, i, "green", 0);
      slice(client, i, "green", rnd);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Controller controller = start(client, port);
    GatewayServer gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                    + "accessLog: false\n"),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(URI.create("http://127.0.0.1:" + port))));
    List<DeltaReader> readers = new ArrayList<>();
    for (int i = 0; i < subscribers; i++) {
      readers.add(new DeltaReader(port, null));
    }
    HttpClient http = HttpClient.newHttpClient();
    long t0 = System.nanoTime();
    int writers = 8;
    int perPhase = changes / 3;
    AtomicInteger done = new AtomicInteger();
    for (int phase = 0; phase < 3; phase++) {
      int steps = phase == 2 ? changes - 2 * perPhase : perPhase;
      int p = phase;
      ExecutorService pool = Executors.newFixedThreadPool(writers);
      List<Future<?>> all = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        int mine = steps / writers + (w < steps % writers ? 1 : 0);
        all.add(
            pool.submit(
                () -> {
                  changes(client, apps, writers, writer, p, mine, readers);
                  done.addAndGet(mine);
                  return null;
                }));
      }
      for (Future<?> f : all) {
        f.get(60, TimeUnit.MINUTES);
      }
      pool.shutdown();
      System.out.printf(
          Locale.ROOT,
          "%d changes done after %.0f s%n",
          done.get(),
          (System.nanoTime() - t0) / 1e9);
      if (phase < 2) {
        controller.close();
        controller = start(client, port);
        System.out.println("controller restarted");
      }
    }
    double changeSeconds = (System.nanoTime() - t0) / 1e9;
    long c0 = System.nanoTime();
    long deadline = c0 + TimeUnit.MINUTES.toNanos(10);
    String want = null;
    boolean converged = false;
    while (System.nanoTime() < deadline) {
      Snapshot truth = controller.current();
      want = truth == null ? null : SnapshotChecksum.of(truth).value();
      boolean all = want != null && want.equals(gatewayChecksum(http, gateway));
      for (DeltaReader r : readers) {
        all &= want != null && want.equals(r.checksum());
      }
      if (all) {
        converged = true;
        break;
      }
      Thread.sleep(200);
    }
    boolean same = controller.verifySnapshot().get(2, TimeUnit.MINUTES);
    int failed = readers.stream().mapToInt(r -> r.failedDeltas.get()).sum();
    System.out.printf(
        Locale.ROOT,
        "%d changes (%d apps x 2 Services, %d subscribers + 1 gateway, 2 controller restarts) in"
            + " %.0f s; converged: %s in %.1f s after the last change; deltas applied %d, failed"
            + " checksums %d, resumed from held deltas %d, full snapshots %d; incremental state"
            + " equals a whole rebuild: %s%n",
        done.get(),
        apps,
        subscribers,
        changeSeconds,
        converged,
        (System.nanoTime() - c0) / 1e9,
        readers.stream().mapToInt(r -> r.deltas.get()).sum(),
        failed,
        readers.stream().mapToInt(r -> r.resumedWithDeltas.get()).sum(),
        readers.stream().mapToInt(r -> r.fulls.get()).sum(),
        same);
    readers.forEach(DeltaReader::close);
    gateway.close();
    controller.close();
    client.close();
    api.destroy();
    System.exit(converged && failed == 0 && same ? 0 : 1);
  }

  private static Controller start(KubernetesClient client, int port) throws Exception {
    Controller c =
        Controller.start(
            client,
            new Controller.Settings(
                List.of(),
                Duration.ofMillis(25),
                SnapshotServer.Settings.defaults(port)
                    .withEndpointCoalesce(Duration.ofMillis(50))));
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (!c.ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("controller did not get ready");
      }
      Thread.sleep(100);
    }
    return c;
  }

  /** {@code steps} random changes to the apps {@code a} with {@code a % writers == writer}. */
  private static void changes(
      KubernetesClient client,
      int apps,
      int writers,
      int writer,
      int phase,
      int steps,
      List<DeltaReader> readers) {
    Random rnd = new Random(1000L * phase + writer);
    Map<Integer, Boolean> greenGone = new HashMap<>();
    for (int step = 0; step < steps; step++) {
      int app = writers * rnd.nextInt(Math.max(1, apps / writers)) + writer;
      if (app >= apps) {
        continue;
      }
      String version = rnd.nextBoolean() ? "blue" : "green";
      boolean gone =
          greenGone.computeIfAbsent(
              app,
              a -> client.services().inNamespace("apps").withName(name(a, "green")).get() == null);
      int roll = rnd.nextInt(100);
      if (gone && version.equals("green") && roll < 87) {
        roll = 90;
      }
      if (roll < 65) {
        slice(client, app, version, rnd);
      } else if (roll < 80) {
        BenchResources.patchWeight(client, "apps", name(app, version), rnd.nextInt(101));
      } else if (roll < 87) {
        client.services().inNamespace("apps").withName(name(app, "green")).delete();
        client
            .discovery()
            .v1()
            .endpointSlices()
            .inNamespace("apps")
            .withName(name(app, "green"))
            .delete();
        greenGone.put(app, true);
      } else if (roll < 94) {
        if (gone) {
          service(client, app, "green", 10);
          slice(client, app, "green", rnd);
          greenGone.put(app, false);
        }
      } else {
        readers.get(rnd.nextInt(readers.size())).disconnect();
      }
    }
  }

  private static String name(int app, String version) {
    return "app-" + app + "-" + version;
  }

  private static void service(KubernetesClient client, int app, String version, int weight) {
    client
        .services()
        .inNamespace("apps")
        .resource(
            BenchResources.service(
                "apps",
                name(app, version),
                Map.of(
                    "turnout.io/host",
                    "app-" + app + ".test",
                    "turnout.io/version",
                    version,
                    "turnout.io/weight",
                    Integer.toString(weight))))
        .createOr(op -> op.update());
  }

  private static void slice(KubernetesClient client, int app, String version, Random rnd) {
    EndpointSliceBuilder b =
        BenchResources.slice("apps", name(app, version), name(app, version), 8080);
    int n = 1 + rnd.nextInt(3);
    for (int e = 0; e < n; e++) {
      b.addNewEndpoint()
          .withAddresses("10." + rnd.nextInt(4) + "." + rnd.nextInt(250) + "." + (1 + e))
          .endEndpoint();
    }
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("apps")
        .resource(b.build())
        .createOr(op -> op.update());
  }

  private static String gatewayChecksum(HttpClient http, GatewayServer gateway) {
    try {
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + gateway.adminPort() + "/snapshot"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return res.statusCode() != 200
          ? null
          : SnapshotChecksum.of(SnapshotJson.read(SnapshotJson.json(), res.body(), Snapshot.class))
              .value();
    } catch (Exception e) {
      return null;
    }
  }
}
