package io.turnout.controller.k8s;

import static io.turnout.controller.k8s.TranslationTest.slice;
import static io.turnout.controller.k8s.TranslationTest.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler re-assembles only the hosts a change reaches ({@link HostAssembly}); these tests
 * hold it to a whole rebuild. With {@code verifyEvery} zero every rebuild is followed by a whole
 * one, compared with what was kept, so any host the incremental path missed or got wrong shows up
 * as drift.
 */
class IncrementalAssemblyTest {
  private static final List<String> NAMESPACES = List.of("a", "b", "trusted");
  private static final List<String> HOSTS =
      List.of("h0.test", "h1.test", "h2.test", "h3.test", "*.h.test", "*", "*.com");

  private final ReconcilerTest.MapView view = new ReconcilerTest.MapView();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Map<String, HostSpec>> changes = new CopyOnWriteArrayList<>();
  private final Set<String> stampWrites = ConcurrentHashMap.newKeySet();
  private final List<Reconciler> reconcilers = new ArrayList<>();

  @AfterEach
  void stop() {
    reconcilers.forEach(Reconciler::close);
  }

  /** Applies a stamp write to the cached Service, as the informer would deliver it. */
  private final DrainStampWriter writer =
      (key, since) -> {
        Service s = view.services.get(key);
        if (s == null) {
          return;
        }
        Map<String, String> a = new LinkedHashMap<>(s.getMetadata().getAnnotations());
        if (since == null) {
          a.remove(Annotations.DRAINING_SINCE);
        } else {
          a.put(Annotations.DRAINING_SINCE, DrainLedger.format(since));
        }
        s.getMetadata().setAnnotations(a);
        stampWrites.add(key);
      };

  private Reconciler reconciler(Duration verifyEvery, Clock clock) {
    Reconciler r =
        Reconciler.create(
            view,
            Duration.ofDays(1), // runs only on flush()
            new Reconciler.Publisher() {
              @Override
              public void publish(Snapshot snapshot) {
                throw new AssertionError("the reconciler names what changed");
              }

              @Override
              public void publish(Snapshot snapshot, Map<String, HostSpec> changed) {
                changes.add(new HashMap<>(changed));
              }
            },
            x -> {},
            registry,
            clock,
            Reconciler.Options.defaults()
                .withDrainStamps(writer)
                .withOwnership(HostOwnership.trusting(List.of("trusted")))
                .withVerifyEvery(verifyEvery));
    reconcilers.add(r);
    return r;
  }

  private double drift() {
    return registry.counter("turnout.controller.snapshot.drift").count();
  }

  private void put(int i, Map<String, String> annotations, Instant created, String... ips) {
    String ns = NAMESPACES.get(i % NAMESPACES.size());
    String name = "s" + i;
    Service s = svc(name, annotations);
    s.getMetadata().setNamespace(ns);
    s.getMetadata().setCreationTimestamp(created.toString());
    view.services.put(ns + "/" + name, s);
    putSlice(i, ips);
  }

  private void putSlice(int i, String... ips) {
    String ns = NAMESPACES.get(i % NAMESPACES.size());
    var slice = slice("s" + i, Map.of("http", 8080), ips);
    slice.getMetadata().setNamespace(ns);
    view.slices.put(ns + "/s" + i, List.of(slice));
  }

  private static String key(int i) {
    return NAMESPACES.get(i % NAMESPACES.size()) + "/s" + i;
  }

  @Test
  void aRandomSequenceOfChangesKeepsTheSameHostsAsAWholeRebuild() throws Exception {
    Random rnd = new Random(15);
    Reconciler r = reconciler(Duration.ZERO, Clock.systemUTC());
    int services = 14;
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    for (int step = 0; step < 1500; step++) {
      int i = rnd.nextInt(services);
      int roll = rnd.nextInt(100);
      Service existing = view.services.get(key(i));
      if (existing == null || roll < 20) {
        // (re)create or rewrite: hosts, path, version, weight or none, creation time
        Map<String, String> a = new HashMap<>();
        List<String> hosts = new ArrayList<>();
        hosts.add(HOSTS.get(rnd.nextInt(HOSTS.size())));
        if (rnd.nextInt(4) == 0) {
          hosts.add(HOSTS.get(rnd.nextInt(HOSTS.size())));
        }
        a.put("turnout.io/host", String.join(",", hosts));
        a.put("turnout.io/version", List.of("blue", "green", "v3").get(rnd.nextInt(3)));
        if (rnd.nextBoolean()) {
          a.put("turnout.io/path", "/api");
        }
        if (rnd.nextInt(3) > 0) {
          a.put("turnout.io/weight", Integer.toString(rnd.nextInt(4)));
        }
        if (existing != null) {
          String stamp = existing.getMetadata().getAnnotations().get(Annotations.DRAINING_SINCE);
          if (stamp != null) {
            a.put(Annotations.DRAINING_SINCE, stamp);
          }
        }
        put(i, a, t0.plusSeconds(rnd.nextInt(5)), ips(rnd));
      } else if (roll < 65) {
        putSlice(i, ips(rnd));
      } else if (roll < 80) {
        Map<String, String> a = new HashMap<>(existing.getMetadata().getAnnotations());
        a.put("turnout.io/weight", Integer.toString(rnd.nextInt(4)));
        existing.getMetadata().setAnnotations(a);
      } else if (roll < 90) {
        view.services.remove(key(i)); // its slices stay a while: it drains
      } else {
        view.slices.remove(key(i));
      }
      r.enqueue(key(i));
      if (rnd.nextInt(3) == 0) {
        stampWrites.forEach(r::enqueue); // the informer's update events for stamp writes
        stampWrites.clear();
        r.flush().get();
        assertEquals(0.0, drift(), "drift at step " + step);
      }
    }
    stampWrites.forEach(r::enqueue);
    r.flush().get();
    assertTrue(r.verify().get(), "the kept hosts equal a whole rebuild");
    assertEquals(0.0, drift());
    assertTrue(changes.size() > 100, "changes were published: " + changes.size());

    // And a reconciler that only ever built the whole snapshot agrees (drain stamps aside: they
    // depend on what each has seen).
    Reconciler whole = reconciler(Duration.ofDays(1), Clock.systemUTC());
    view.services.keySet().forEach(whole::enqueue);
    Snapshot fresh = whole.flush().get();
    assertEquals(withoutStamps(fresh), withoutStamps(r.current()));
  }

  @Test
  void aWeightChangePublishesOnlyItsHostAndAHostMovePublishesBoth() throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    Reconciler r = reconciler(Duration.ofDays(1), clock);
    for (int i = 0; i < 60; i++) {
      put(
          i,
          Map.of("turnout.io/host", "app" + i + ".test", "turnout.io/weight", "5"),
          Instant.EPOCH,
          "10.0.0." + i);
      r.enqueue(key(i));
    }
    Snapshot first = r.flush().get();
    assertEquals(60, first.hosts().size());
    assertEquals(60, changes.get(0).size(), "the first build names every host");

    put(
        7,
        Map.of("turnout.io/host", "app7.test", "turnout.io/weight", "9"),
        Instant.EPOCH,
        "10.0.0.7");
    r.enqueue(key(7));
    Snapshot second = r.flush().get();
    assertEquals(Set.of("app7.test"), changes.get(1).keySet());
    assertEquals(60, second.hosts().size());
    assertEquals(
        9,
        second.hosts().stream()
            .filter(h -> h.host().equals("app7.test"))
            .findFirst()
            .orElseThrow()
            .routes()
            .get(0)
            .versions()
            .get(0)
            .weight());

    put(
        8,
        Map.of("turnout.io/host", "moved.test", "turnout.io/weight", "5"),
        Instant.EPOCH,
        "10.0.0.8");
    r.enqueue(key(8));
    r.flush().get();
    assertEquals(Set.of("app8.test", "moved.test"), changes.get(2).keySet());
    assertNull(changes.get(2).get("app8.test"), "the old host goes");
    assertTrue(r.verify().get());
  }

  @Test
  void aServiceRefusedOnOneHostIsTakenOutOfItsOtherHostsToo() throws Exception {
    Reconciler r = reconciler(Duration.ZERO, Clock.systemUTC());
    Instant old = Instant.parse("2026-01-01T00:00:00Z");
    // s0 (namespace a) owns x.test; s1 (namespace b, newer) claims x.test and y.test.
    put(0, Map.of("turnout.io/host", "x.test"), old, "10.0.0.1");
    put(1, Map.of("turnout.io/host", "x.test,y.test"), old.plusSeconds(60), "10.0.0.2");
    r.enqueue(key(0));
    r.enqueue(key(1));
    Snapshot s = r.flush().get();
    assertEquals(List.of("x.test"), s.hosts().stream().map(HostSpec::host).toList());
    // s0 lets go of x.test: s1 now owns both, although only s0 changed.
    put(0, Map.of("turnout.io/host", "z.test"), old, "10.0.0.1");
    r.enqueue(key(0));
    s = r.flush().get();
    assertEquals(
        List.of("x.test", "y.test", "z.test"), s.hosts().stream().map(HostSpec::host).toList());
    assertEquals(0.0, drift());
  }

  private static String[] ips(Random rnd) {
    int n = rnd.nextInt(4);
    String[] out = new String[n];
    for (int k = 0; k < n; k++) {
      out[k] = "10.1." + rnd.nextInt(3) + "." + (1 + k);
    }
    return out;
  }

  private static List<HostSpec> withoutStamps(Snapshot s) {
    List<HostSpec> out = new ArrayList<>();
    for (HostSpec h : s.hosts()) {
      List<RouteSpec> routes = new ArrayList<>();
      for (RouteSpec route : h.routes()) {
        List<VersionSpec> vs = new ArrayList<>();
        for (VersionSpec v : route.versions()) {
          vs.add(v.withDrainingSince(null));
        }
        routes.add(route.withVersions(vs));
      }
      out.add(h.withRoutes(routes));
    }
    return out;
  }
}
