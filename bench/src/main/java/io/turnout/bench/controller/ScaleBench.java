package io.turnout.bench.controller;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.Reconciler;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scale: 5,000 Services (2,500 hosts, a blue and a green Service each) with 10 ready endpoints
 * apiece, in caches (a map standing in for the informer stores, so the API server's speed is not
 * measured). Measures the reconciler's full build, the JSON a gateway receives (size, encode time,
 * parse + validate time on the gateway side), and one annotation change on top.
 *
 * <p>Args: {@code [services=5000] [endpointsPerService=10]}.
 */
public final class ScaleBench {
  private ScaleBench() {}

  /** The informer caches, as maps. */
  static final class MapView implements ClusterView {
    final Map<String, Service> services = new ConcurrentHashMap<>();
    final Map<String, List<EndpointSlice>> slices = new ConcurrentHashMap<>();

    @Override
    public boolean hasSynced() {
      return true;
    }

    @Override
    public Service service(String key) {
      return services.get(key);
    }

    @Override
    public List<EndpointSlice> slicesOf(String serviceKey) {
      return slices.getOrDefault(serviceKey, List.of());
    }
  }

  static Service service(int app, String version, int weight) {
    Map<String, String> a = new HashMap<>();
    a.put("turnout.io/host", "app" + app + ".example.com");
    a.put("turnout.io/version", version);
    a.put("turnout.io/weight", Integer.toString(weight));
    return BenchResources.service("ns" + (app % 50), "app" + app + "-" + version, a);
  }

  public static void main(String[] args) throws Exception {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int endpoints = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    MapView view = new MapView();
    List<String> keys = new ArrayList<>();
    int n = 0;
    for (int app = 0; n < services; app++) {
      for (String version : List.of("blue", "green")) {
        if (n++ >= services) {
          break;
        }
        Service s = service(app, version, version.equals("blue") ? 90 : 10);
        String key = s.getMetadata().getNamespace() + "/" + s.getMetadata().getName();
        EndpointSliceBuilder slice =
            BenchResources.slice(
                s.getMetadata().getNamespace(),
                s.getMetadata().getName() + "-abcde",
                s.getMetadata().getName(),
                8080);
        for (int e = 0; e < endpoints; e++) {
          int ip = n * endpoints + e;
          slice
              .addNewEndpoint()
              .withAddresses("10." + (ip >> 16 & 255) + "." + (ip >> 8 & 255) + "." + (ip & 255))
              .withNewConditions()
              .withReady(true)
              .endConditions()
              .endEndpoint();
        }
        view.services.put(key, s);
        view.slices.put(key, List.of(slice.build()));
        keys.add(key);
      }
    }

    // Full build, several times: the first is a cold JVM (as after a controller start).
    // Wall time suffers when other processes share the 2 cores; the reconciler thread's CPU time
    // is the cost itself.
    List<Long> full = new ArrayList<>();
    List<Long> fullCpu = new ArrayList<>();
    Snapshot snapshot = null;
    for (int round = 0; round < 11; round++) {
      try (Reconciler r = reconciler(view)) {
        r.flush().get(); // starts the thread, so its CPU clock can be read
        long cpu0 = reconcilerCpuNanos();
        long t0 = System.nanoTime();
        keys.forEach(r::enqueue);
        snapshot = r.flush().get();
        full.add(System.nanoTime() - t0);
        fullCpu.add(reconcilerCpuNanos() - cpu0);
      }
    }
    List<Long> encode = new ArrayList<>();
    List<Long> parse = new ArrayList<>();
    String json = null;
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      json = SnapshotJson.toJson(snapshot);
      long t1 = System.nanoTime();
      SnapshotJson.parseSnapshot(json);
      long t2 = System.nanoTime();
      encode.add(t1 - t0);
      parse.add(t2 - t1);
    }
    int bytes = json.getBytes(StandardCharsets.UTF_8).length;

    // One annotation change on top: re-translate one Service, re-assemble, compare, publish.
    List<Long> one = new ArrayList<>();
    List<Long> oneCpu = new ArrayList<>();
    List<Long> diffWhole = new ArrayList<>();
    List<Long> diffNamed = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Map<String, io.turnout.gateway.snapshot.HostSpec>>
        named = new java.util.concurrent.atomic.AtomicReference<>();
    try (Reconciler r = reconciler(view, named)) {
      keys.forEach(r::enqueue);
      Snapshot before = r.flush().get();
      String key = keys.get(1); // app0-green
      for (int i = 0; i < 50; i++) {
        Service s = service(0, "green", 11 + i);
        view.services.put(key, s);
        long cpu0 = reconcilerCpuNanos();
        long t0 = System.nanoTime();
        r.enqueue(key);
        Snapshot after = r.flush().get();
        one.add(System.nanoTime() - t0);
        oneCpu.add(reconcilerCpuNanos() - cpu0);
        if (after.hosts().get(0).routes().get(0).versions().get(1).weight() != 11 + i) {
          throw new AssertionError("the change did not make it into the snapshot");
        }
        // The stream's side of the same change: the delta, by whole comparison or from the
        // hosts the reconciler named.
        long d0 = System.nanoTime();
        var whole = io.turnout.gateway.snapshot.SnapshotDiff.between(before, after);
        long d1 = System.nanoTime();
        Map<String, io.turnout.gateway.snapshot.HostSpec> byName = new HashMap<>();
        before.hosts().forEach(h -> byName.put(h.host(), h));
        long d2 = System.nanoTime();
        var fromNamed =
            io.turnout.gateway.snapshot.SnapshotDiff.changes(
                before.version(), after.version(), byName, named.get());
        long d3 = System.nanoTime();
        if (!whole.equals(fromNamed)) {
          throw new AssertionError("the two deltas differ");
        }
        diffWhole.add(d1 - d0);
        diffNamed.add(d3 - d2);
        before = after;
      }
    }

    // Where a rebuild's time goes, each step alone on the same data.
    List<io.turnout.controller.k8s.ServiceRoute> routes = new ArrayList<>();
    for (String key : keys) {
      var t =
          io.turnout.controller.k8s.ServiceTranslator.translate(
              view.service(key), view.slicesOf(key));
      routes.add(((io.turnout.controller.k8s.Translation.Accepted) t).route());
    }
    List<io.turnout.gateway.snapshot.HostSpec> baseline =
        io.turnout.controller.k8s.SnapshotAssembler.assemble(routes).hosts();
    List<Long> translateAll = new ArrayList<>();
    List<Long> assemble = new ArrayList<>();
    List<Long> validate = new ArrayList<>();
    List<Long> compare = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long t0 = System.nanoTime();
      for (String key : keys) {
        io.turnout.controller.k8s.ServiceTranslator.translate(
            view.service(key), view.slicesOf(key));
      }
      long t1 = System.nanoTime();
      var result = io.turnout.controller.k8s.SnapshotAssembler.assemble(routes);
      long t2 = System.nanoTime();
      io.turnout.gateway.snapshot.SnapshotValidator.validate(new Snapshot(1, result.hosts()));
      long t3 = System.nanoTime();
      boolean same = result.hosts().equals(baseline);
      long t4 = System.nanoTime();
      if (!same) {
        throw new AssertionError("rebuild differs");
      }
      translateAll.add(t1 - t0);
      assemble.add(t2 - t1);
      validate.add(t3 - t2);
      compare.add(t4 - t3);
    }

    System.out.printf(
        Locale.ROOT,
        "scale: %d Services x %d endpoints (%d hosts, %d endpoints)%n",
        services,
        endpoints,
        snapshot.hosts().size(),
        services * endpoints);
    System.out.printf(
        Locale.ROOT,
        "full build (translate + assemble + validate): cold %.0f ms, warm %s%n",
        full.get(0) / 1e6,
        new Stats(full.subList(1, full.size())).summary());
    System.out.println(
        "  reconciler CPU time, warm: " + new Stats(fullCpu.subList(1, fullCpu.size())).summary());
    System.out.printf(
        Locale.ROOT, "snapshot JSON: %d bytes (%.2f MiB)%n", bytes, bytes / 1048576.0);
    System.out.println(
        "JSON encode (controller, once per change): " + new Stats(encode.subList(2, 10)).summary());
    System.out.println(
        "JSON parse + validate (gateway, per change): "
            + new Stats(parse.subList(2, 10)).summary());
    System.out.println(
        "one annotation change, rebuild + compare: " + new Stats(one.subList(5, 50)).summary());
    System.out.println("  reconciler CPU time: " + new Stats(oneCpu.subList(5, 50)).summary());
    System.out.println(
        "  stream delta, whole comparison: " + new Stats(diffWhole.subList(5, 50)).summary());
    System.out.println(
        "  stream delta, named hosts only: " + new Stats(diffNamed.subList(5, 50)).summary());
    System.out.println(
        "  translate all 5000 (not done per change): "
            + new Stats(translateAll.subList(5, 20)).summary());
    System.out.println("  assemble: " + new Stats(assemble.subList(5, 20)).summary());
    System.out.println("  validate: " + new Stats(validate.subList(5, 20)).summary());
    System.out.println("  compare with the last: " + new Stats(compare.subList(5, 20)).summary());
    System.exit(0);
  }

  /** CPU time of the live "turnout-reconciler" thread (there is one at a time here). */
  private static long reconcilerCpuNanos() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("turnout-reconciler") && t.isAlive()) {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
      }
    }
    throw new IllegalStateException("no reconciler thread");
  }

  private static Reconciler reconciler(
      ClusterView view,
      java.util.concurrent.atomic.AtomicReference<Map<String, io.turnout.gateway.snapshot.HostSpec>>
          named) {
    return Reconciler.create(
        view,
        Duration.ofMillis(25),
        new Reconciler.Publisher() {
          @Override
          public void publish(Snapshot snapshot) {
            named.set(null);
          }

          @Override
          public void publish(
              Snapshot snapshot, Map<String, io.turnout.gateway.snapshot.HostSpec> changed) {
            named.set(changed);
          }
        },
        r -> {},
        new SimpleMeterRegistry(),
        Clock.systemUTC());
  }

  private static Reconciler reconciler(ClusterView view) {
    return Reconciler.create(
        view,
        Duration.ofMillis(25),
        s -> {},
        r -> {},
        new SimpleMeterRegistry(),
        Clock.systemUTC());
  }
}
