package io.turnout.bench.controller;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.turnout.controller.Controller;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.source.SnapshotSink;
import io.turnout.gateway.source.SnapshotSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Propagation: {@code kubectl annotate}-equivalent patch of {@code turnout.io/weight} on the mock
 * API server, until a real {@link GatewayServer} fed by a real controller over HTTP has applied the
 * snapshot carrying it (its sink returned from {@code offer}: validated, compiled, swapped).
 *
 * <p>Each change waits for the previous one to land, so the number is latency, not throughput.
 * Args: {@code [changes=100] [warmup=20] [otherServices=0]}; with other Services (each with 10
 * endpoints, two per host) every change ships and applies the whole, larger snapshot.
 */
public final class PropagationBench {
  private PropagationBench() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int others = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    KubernetesMockServer api = MockApiServer.startCrud();
    KubernetesClient client = api.createClient();
    for (String v : List.of("blue", "green")) {
      client
          .services()
          .inNamespace("shop")
          .resource(
              BenchResources.service(
                  "shop",
                  "shop-" + v,
                  Map.of(
                      "turnout.io/host", "shop.example.com",
                      "turnout.io/version", v,
                      "turnout.io/weight", "50")))
          .create();
      EndpointSliceBuilder slice =
          BenchResources.slice("shop", "shop-" + v + "-1", "shop-" + v, 8080);
      for (int i = 1; i <= 10; i++) {
        slice
            .addNewEndpoint()
            .withAddresses("10.0." + (v.equals("blue") ? 1 : 2) + "." + i)
            .endEndpoint();
      }
      client.discovery().v1().endpointSlices().inNamespace("shop").resource(slice.build()).create();
    }

    long loadStart = System.nanoTime();
    for (int i = 0; i < others; i++) {
      var svc = ScaleBench.service(i / 2, i % 2 == 0 ? "blue" : "green", i % 2 == 0 ? 90 : 10);
      String ns = svc.getMetadata().getNamespace();
      client.services().inNamespace(ns).resource(svc).create();
      EndpointSliceBuilder slice =
          BenchResources.slice(
              ns, svc.getMetadata().getName() + "-1", svc.getMetadata().getName(), 8080);
      for (int e = 0; e < 10; e++) {
        int ip = i * 10 + e;
        slice
            .addNewEndpoint()
            .withAddresses("10.1" + (ip >> 16 & 15) + "." + (ip >> 8 & 255) + "." + (ip & 255))
            .endEndpoint();
      }
      client.discovery().v1().endpointSlices().inNamespace(ns).resource(slice.build()).create();
    }
    if (others > 0) {
      System.out.printf(
          "loaded %d other Services into the mock API server in %.1f s%n",
          others, (System.nanoTime() - loadStart) / 1e9);
    }

    Controller controller = Controller.start(client, Controller.Settings.defaults(0));
    Waiter waiter = new Waiter();
    ControllerSnapshotSource stream =
        ControllerSnapshotSource.create(
            ControllerSnapshotSource.Settings.of(
                URI.create("http://127.0.0.1:" + controller.port())));
    SnapshotSource timed =
        new SnapshotSource() {
          @Override
          public void start(SnapshotSink gatewaySink) {
            stream.start(
                new SnapshotSink() {
                  @Override
                  public boolean offer(Snapshot snapshot, String origin) {
                    waiter.received(snapshot);
                    boolean applied = gatewaySink.offer(snapshot, origin);
                    if (applied) {
                      waiter.applied(snapshot);
                    }
                    return applied;
                  }

                  @Override
                  public void reject(String origin, String reason) {
                    gatewaySink.reject(origin, reason);
                  }
                });
          }

          @Override
          public void close() {
            stream.close();
          }
        };
    GatewayServer gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                    + "accessLog: false\n"),
            timed);

    List<Long> total = new ArrayList<>();
    List<Long> afterPatch = new ArrayList<>();
    List<Long> toController = new ArrayList<>();
    List<Long> toGatewaySink = new ArrayList<>();
    List<Long> gatewayApply = new ArrayList<>();
    // Watches the controller's published snapshot, to split the latency into its legs.
    Thread probe =
        new Thread(
            () -> {
              Snapshot seen = null;
              while (!Thread.currentThread().isInterrupted()) {
                Snapshot now = controller.current();
                if (now != seen && now != null) {
                  seen = now;
                  waiter.published(now);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000); // 0.2 ms resolution
              }
            },
            "bench-probe");
    probe.setDaemon(true);
    probe.start();
    try {
      waiter.expect(50).get(120, TimeUnit.SECONDS); // first snapshot
      for (int i = 0; i < warmup + changes; i++) {
        int weight = 100 + i;
        CompletableFuture<Long> landed = waiter.expect(weight);
        long t0 = System.nanoTime();
        BenchResources.patchWeight(client, "shop", "shop-green", weight);
        long t1 = System.nanoTime();
        long applied = landed.get(10, TimeUnit.SECONDS);
        if (i >= warmup) {
          total.add(applied - t0);
          afterPatch.add(applied - t1);
          toController.add(waiter.publishedAt - t0);
          toGatewaySink.add(waiter.receivedAt - waiter.publishedAt);
          gatewayApply.add(applied - waiter.receivedAt);
        }
      }
    } finally {
      probe.interrupt();
      gateway.close();
      controller.close();
      client.close();
      api.destroy();
    }
    System.out.println("propagation, patch sent -> gateway applied: " + new Stats(total).summary());
    System.out.println(
        "propagation, patch acknowledged -> gateway applied: " + new Stats(afterPatch).summary());
    System.out.println(
        "  patch sent -> controller published: " + new Stats(toController).summary());
    System.out.println(
        "  controller published -> gateway parsed (SSE + JSON): "
            + new Stats(toGatewaySink).summary());
    System.out.println(
        "  gateway parsed -> applied (validate, compile, swap): "
            + new Stats(gatewayApply).summary());
    System.exit(0);
  }

  /** Completes when a snapshot with green at the expected weight is applied. */
  private static final class Waiter {
    private volatile int expected = -1;
    private volatile CompletableFuture<Long> done = new CompletableFuture<>();
    volatile long publishedAt;
    volatile long receivedAt;

    CompletableFuture<Long> expect(int weight) {
      CompletableFuture<Long> f = new CompletableFuture<>();
      done = f;
      expected = weight;
      return f;
    }

    void published(Snapshot s) {
      if (carriesExpected(s)) {
        publishedAt = System.nanoTime();
      }
    }

    void received(Snapshot s) {
      if (carriesExpected(s)) {
        receivedAt = System.nanoTime();
      }
    }

    private boolean carriesExpected(Snapshot s) {
      for (var host : s.hosts()) {
        if (host.host().equals("shop.example.com")) {
          for (VersionSpec v : host.routes().get(0).versions()) {
            if (v.name().equals("green") && v.weight() == expected) {
              return true;
            }
          }
        }
      }
      return false;
    }

    void applied(Snapshot s) {
      long now = System.nanoTime();
      for (var host : s.hosts()) {
        if (!host.host().equals("shop.example.com")) {
          continue;
        }
        for (VersionSpec v : host.routes().get(0).versions()) {
          if (v.name().equals("green") && v.weight() == expected) {
            done.complete(now);
          }
        }
      }
    }
  }
}
