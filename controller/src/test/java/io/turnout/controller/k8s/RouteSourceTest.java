package io.turnout.controller.k8s;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The source hook: sourced hosts merged with the Services', ownership across kinds, drains. */
class RouteSourceTest {
  private static final Instant MONDAY = Instant.parse("2026-11-23T00:00:00Z");
  private static final Instant TUESDAY = Instant.parse("2026-11-24T00:00:00Z");

  /** A source whose routes the test sets; records what it is told. */
  static final class FakeSource implements RouteSource {
    volatile List<SourcedRoutes> routes = List.of();
    final Map<HostOwnership.ObjectRef, String> refused = new ConcurrentHashMap<>();
    volatile Runnable requestPass;

    @Override
    public void start(Runnable requestPass) {
      this.requestPass = requestPass;
    }

    @Override
    public boolean hasSynced() {
      return true;
    }

    @Override
    public List<SourcedRoutes> routes() {
      return routes;
    }

    @Override
    public void refused(Map<HostOwnership.ObjectRef, String> refusals) {
      refused.clear();
      refused.putAll(refusals);
    }
  }

  private final ReconcilerTest.MapView view = new ReconcilerTest.MapView();
  private final List<Snapshot> published = new CopyOnWriteArrayList<>();
  private final List<Rejection> rejected = new CopyOnWriteArrayList<>();
  private final FakeSource source = new FakeSource();
  private final AtomicReference<Instant> now = new AtomicReference<>(MONDAY);
  private Reconciler reconciler;

  private void start() {
    Clock clock =
        new Clock() {
          @Override
          public ZoneOffset getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return now.get();
          }
        };
    reconciler =
        Reconciler.create(
            view,
            Duration.ofMillis(20),
            published::add,
            rejected::add,
            new SimpleMeterRegistry(),
            clock,
            Reconciler.Options.defaults().withSources(List.of(source)));
    source.start(reconciler::kick);
  }

  @AfterEach
  void stop() {
    reconciler.close();
  }

  private static HostOwnership.Claim claim(String host, Instant created, String ns, String name) {
    return new HostOwnership.Claim(
        host, created, new HostOwnership.ObjectRef("HTTPRoute", ns, name));
  }

  private static VersionSpec version(String name, int weight, String ip) {
    return new VersionSpec(name, weight, List.of(new EndpointSpec(ip, 8080, true)));
  }

  private static RouteSpec route(String path, VersionSpec... versions) {
    return new RouteSpec(path, List.of(versions));
  }

  private void annotatedService(String name, String host, Instant created) {
    view.put(name, Map.of("turnout.io/host", host), "10.0.0.9");
    view.services.get("ns/" + name).getMetadata().setCreationTimestamp(created.toString());
    reconciler.enqueue("ns/" + name);
  }

  private HostSpec host(Snapshot s, String name) {
    return s.hosts().stream().filter(h -> h.host().equals(name)).findFirst().orElse(null);
  }

  @Test
  void sourcedHostsAreMergedWithServiceHostsAndObjectsOnOneHostShareIt() throws Exception {
    start();
    annotatedService("legacy", "legacy.example.com", MONDAY);
    RouteSpec withHeader =
        new RouteSpec(
            "/beta",
            List.of(version("green", 1, "10.0.0.2")),
            null,
            "GET",
            List.of(new HeaderMatchSpec("x-beta", "1")),
            null,
            null);
    source.routes =
        List.of(
            new SourcedRoutes(
                claim("www.example.com", MONDAY, "web", "main"),
                List.of(
                    route("/", version("blue", 9, "10.0.0.1"), version("green", 1, "10.0.0.2")))),
            new SourcedRoutes(
                claim("www.example.com", TUESDAY, "web", "beta"), List.of(withHeader)));
    source.requestPass.run();
    await()
        .until(
            () -> !published.isEmpty() && published.get(published.size() - 1).hosts().size() == 2);
    Snapshot s = reconciler.flush().get();
    assertNotNull(host(s, "legacy.example.com"));
    HostSpec www = host(s, "www.example.com");
    assertEquals(2, www.routes().size());
    assertEquals(withHeader, www.routes().get(1), "matchers and filters pass through unchanged");
    assertEquals(
        List.of(9, 1), www.routes().get(0).versions().stream().map(VersionSpec::weight).toList());
    assertTrue(source.refused.isEmpty());
  }

  @Test
  void theOldestClaimOwnsAHostAcrossKindsAndTheLoserIsToldWhy() throws Exception {
    start();
    annotatedService("shop-blue", "shop.example.com", MONDAY);
    source.routes =
        List.of(
            new SourcedRoutes(
                claim("shop.example.com", TUESDAY, "ns", "same-ns"),
                List.of(route("/", version("x", 1, "10.0.0.1")))),
            new SourcedRoutes(
                claim("shop.example.com", TUESDAY, "promo", "steal"),
                List.of(route("/", version("x", 1, "10.0.0.1")))),
            new SourcedRoutes(
                claim("new.example.com", MONDAY.minusSeconds(60), "promo", "first"),
                List.of(route("/", version("x", 1, "10.0.0.1")))));
    annotatedService("late", "new.example.com", TUESDAY);
    Snapshot s = reconciler.flush().get();

    assertEquals(
        "10.0.0.9",
        host(s, "shop.example.com").routes().get(0).versions().get(0).endpoints().get(0).address());
    assertTrue(
        source
            .refused
            .get(new HostOwnership.ObjectRef("HTTPRoute", "ns", "same-ns"))
            .contains("one kind of object routes a host"),
        source.refused.toString());
    assertTrue(
        source
            .refused
            .get(new HostOwnership.ObjectRef("HTTPRoute", "promo", "steal"))
            .contains("belongs to namespace ns"),
        source.refused.toString());
    // The HTTPRoute claimed new.example.com first: the Service is the one refused.
    assertEquals("x", host(s, "new.example.com").routes().get(0).versions().get(0).name());
    await().until(() -> rejected.stream().anyMatch(r -> r.key().equals("ns/late")));
  }

  @Test
  void aSourcedVersionThatStopsServingIsStampedDraining() throws Exception {
    start();
    HostOwnership.Claim c = claim("www.example.com", MONDAY, "web", "main");
    source.routes =
        List.of(new SourcedRoutes(c, List.of(route("/", version("blue", 1, "10.0.0.1")))));
    Snapshot first = reconciler.flush().get();
    assertNull(first.hosts().get(0).routes().get(0).versions().get(0).drainingSince());

    now.set(TUESDAY);
    source.routes =
        List.of(
            new SourcedRoutes(
                c,
                List.of(
                    route("/", version("blue", 0, "10.0.0.1"), version("green", 1, "10.0.0.2")))));
    Snapshot second = reconciler.flush().get();
    List<VersionSpec> versions = second.hosts().get(0).routes().get(0).versions();
    assertEquals(TUESDAY.toEpochMilli(), versions.get(0).drainingSince(), "blue stopped now");
    assertNull(versions.get(1).drainingSince(), "green serves");
  }

  @Test
  void anObjectThatWouldBreakTheSnapshotIsRefusedAloneWithTheValidatorsWords() throws Exception {
    start();
    source.routes =
        List.of(
            new SourcedRoutes(
                claim("www.example.com", MONDAY, "web", "good"),
                List.of(route("/", version("blue", 1, "10.0.0.1")))),
            new SourcedRoutes(
                claim("www.example.com", TUESDAY, "web", "bad"),
                List.of(route("/x", version("-not a name", 1, "10.0.0.1")))));
    Snapshot s = reconciler.flush().get();
    assertEquals(1, host(s, "www.example.com").routes().size());
    String why = source.refused.get(new HostOwnership.ObjectRef("HTTPRoute", "web", "bad"));
    assertTrue(why != null && why.contains("must be 1-63 letters"), String.valueOf(why));
  }

  @Test
  void aRouteWhoseMatchAnOlderObjectHasIsDropped() throws Exception {
    start();
    source.routes =
        List.of(
            new SourcedRoutes(
                claim("www.example.com", TUESDAY, "web", "newer"),
                List.of(route("/", version("green", 1, "10.0.0.2")))),
            new SourcedRoutes(
                claim("www.example.com", MONDAY, "web", "older"),
                List.of(route("/", version("blue", 1, "10.0.0.1")))));
    Snapshot s = reconciler.flush().get();
    assertEquals("blue", host(s, "www.example.com").routes().get(0).versions().get(0).name());
  }
}
