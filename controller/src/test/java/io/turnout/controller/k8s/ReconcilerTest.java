package io.turnout.controller.k8s;

import static io.turnout.controller.k8s.TranslationTest.slice;
import static io.turnout.controller.k8s.TranslationTest.svc;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  /** A ClusterView over maps, as the informer caches would hold. */
  static final class MapView implements ClusterView {
    final Map<String, Service> services = new ConcurrentHashMap<>();
    final Map<String, List<EndpointSlice>> slices = new ConcurrentHashMap<>();
    volatile boolean synced = true;

    @Override
    public boolean hasSynced() {
      return synced;
    }

    @Override
    public Service service(String key) {
      return services.get(key);
    }

    @Override
    public List<EndpointSlice> slicesOf(String serviceKey) {
      return slices.getOrDefault(serviceKey, List.of());
    }

    void put(String name, Map<String, String> annotations, String... ips) {
      services.put("ns/" + name, svc(name, annotations));
      slices.put("ns/" + name, List.of(slice(name, Map.of("http", 8080), ips)));
    }
  }

  private final MapView view = new MapView();
  private final List<Snapshot> published = new CopyOnWriteArrayList<>();
  private Reconciler reconciler;

  private Reconciler start(Clock clock) {
    return start(clock, Duration.ofMillis(30));
  }

  private Reconciler start(Clock clock, Duration coalesce) {
    reconciler =
        Reconciler.create(
            view, coalesce, published::add, r -> {}, new SimpleMeterRegistry(), clock);
    return reconciler;
  }

  @AfterEach
  void stop() {
    reconciler.close();
  }

  @Test
  void aBurstOfChangesBecomesOneSnapshot() {
    // A window far longer than the burst, so a loaded CI machine cannot split it in two.
    start(Clock.systemUTC(), Duration.ofMillis(500));
    for (int i = 0; i < 50; i++) {
      view.put("app" + i, Map.of("turnout.io/host", "h" + i + ".example.com"), "10.0.0." + i);
    }
    for (int i = 0; i < 50; i++) {
      reconciler.enqueue("ns/app" + i);
    }
    await().until(() -> published.size() == 1);
    await().during(Duration.ofMillis(200)).until(() -> published.size() == 1);
    assertEquals(50, published.get(0).hosts().size());
  }

  @Test
  void anUnchangedRebuildPublishesNothing() throws Exception {
    start(Clock.systemUTC());
    view.put("app", Map.of("turnout.io/host", "a.example.com"), "10.0.0.1");
    reconciler.enqueue("ns/app");
    await().until(() -> published.size() == 1);
    reconciler.enqueue("ns/app"); // an informer resync: same objects
    reconciler.flush().get();
    assertEquals(1, published.size());
  }

  @Test
  void versionsStartAtTheClockAndAlwaysGrowEvenIfTheClockDoesNot() throws Exception {
    Clock frozen = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);
    start(frozen);
    view.put(
        "app", Map.of("turnout.io/host", "a.example.com", "turnout.io/weight", "1"), "10.0.0.1");
    reconciler.enqueue("ns/app");
    reconciler.flush().get();
    view.put(
        "app", Map.of("turnout.io/host", "a.example.com", "turnout.io/weight", "2"), "10.0.0.1");
    reconciler.enqueue("ns/app");
    reconciler.flush().get();
    assertEquals(
        List.of(1_700_000_000_000L, 1_700_000_000_001L),
        published.stream().map(Snapshot::version).toList());
  }

  @Test
  void nothingIsPublishedBeforeTheCachesHaveSynced() throws Exception {
    view.synced = false;
    start(Clock.systemUTC());
    view.put("app", Map.of("turnout.io/host", "a.example.com"), "10.0.0.1");
    reconciler.enqueue("ns/app");
    assertNull(reconciler.flush().get(), "a half-filled cache would drop routes");
    view.synced = true;
    reconciler.kick();
    await().until(() -> published.size() == 1);
  }
}
