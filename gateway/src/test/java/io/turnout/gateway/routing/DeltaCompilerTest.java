package io.turnout.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.HeaderModifierSpec;
import io.turnout.gateway.snapshot.HeaderValueSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteFilterSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotDiff;
import io.turnout.gateway.snapshot.StreamState;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeltaCompilerTest {
  private static final AffinitySettings AFFINITY =
      new AffinitySettings(
          "turnout",
          io.turnout.gateway.config.RepinPolicy.NAVIGATION,
          java.time.Duration.ofMinutes(5),
          "test-secret",
          null,
          null,
          null,
          null);
  private final RoutingState state =
      new RoutingState(new GatewayMetrics(), AFFINITY, PreviewSettings.DEFAULTS);

  private static HostSpec host(String name, int blue, int green, int... blueOctets) {
    List<EndpointSpec> eps = new ArrayList<>();
    for (int o : blueOctets) {
      eps.add(new EndpointSpec("10.0.0." + o, 8080));
    }
    return new HostSpec(
        name,
        List.of(
            new RouteSpec(
                "/",
                List.of(
                    new VersionSpec("blue", blue, eps),
                    new VersionSpec("green", green, List.of(new EndpointSpec("10.9.0.1", 80)))))));
  }

  private static Snapshot snapshot(long version, HostSpec... changed) {
    Map<String, HostSpec> hosts = new java.util.TreeMap<>();
    for (int i = 0; i < 10; i++) {
      hosts.put("h" + i + ".test", host("h" + i + ".test", 1, 1, i + 1));
    }
    for (HostSpec h : changed) {
      hosts.put(h.host(), h);
    }
    return new Snapshot(version, new ArrayList<>(hosts.values()));
  }

  /** Applies {@code next} to the state as the stream source does, after {@code from}. */
  private boolean applyDelta(Snapshot from, Snapshot next) throws Exception {
    StreamState s = StreamState.of(from);
    Map<String, Boolean> touched = new HashMap<>();
    s.apply(SnapshotDiff.between(from, next), touched);
    return state.offerChange(s.snapshot(), s.hosts(), touched, "test");
  }

  @Test
  void anEndpointOnlyChangeSwapsTheEndpointsInPlaceWithoutRecompiling() throws Exception {
    Snapshot a = snapshot(1);
    assertTrue(state.offer(a, "test"));
    CompiledHost before = state.table().host("h3.test");
    VersionTarget blue = before.route("/").version("blue");
    Snapshot b = snapshot(2, host("h3.test", 1, 1, 50, 51));
    assertTrue(applyDelta(a, b));
    CompiledHost after = state.table().host("h3.test");
    assertSame(before, after, "same compiled host: no recompile");
    assertSame(blue, after.route("/").version("blue"));
    assertEquals(2, blue.endpoints().length);
    assertEquals("10.0.0.50:8080", blue.endpoints()[0].toString().split(" ")[0]);
    assertEquals(2, state.table().snapshot().version(), "/snapshot shows the new state");
    assertSame(state.table().host("h4.test"), state.table().host("h4.test"));
  }

  @Test
  void aDeltaCarriesRouteRulesIntoTheCompiledHost() throws Exception {
    Snapshot a = snapshot(1);
    assertTrue(state.offer(a, "test"));
    HostSpec plain = host("h3.test", 1, 1, 4);
    RouteSpec canary =
        new RouteSpec(
            "/",
            plain.routes().get(0).versions(),
            null,
            null,
            List.of(new HeaderMatchSpec("X-Canary", "on")),
            null,
            List.of(
                RouteFilterSpec.requestHeaders(
                    new HeaderModifierSpec(
                        List.of(new HeaderValueSpec("X-Route", "canary")), null, null))));
    HostSpec withRule = new HostSpec("h3.test", List.of(plain.routes().get(0), canary), null, null);
    Snapshot b = snapshot(2, withRule);
    assertTrue(applyDelta(a, b));
    CompiledHost after = state.table().host("h3.test");
    DefaultHttpHeaders headers = new DefaultHttpHeaders();
    headers.add("x-canary", "on");
    CompiledRoute matched = after.route(HttpMethod.GET, "/x", headers);
    assertEquals(1, matched.match().headerCount());
    DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
    matched.filters().applyToRequest(req);
    assertEquals("canary", req.headers().get("x-route"));
    assertEquals(0, after.route("/x").match().headerCount());
    // Two routes share the path "/": an endpoint change cannot name one of them by path, so the
    // host travels whole and both routes get the new endpoints.
    HostSpec moved =
        new HostSpec(
            "h3.test",
            List.of(
                host("h3.test", 1, 1, 9).routes().get(0),
                canary.withVersions(host("h3.test", 1, 1, 9).routes().get(0).versions())),
            null,
            null);
    assertTrue(SnapshotDiff.between(b, snapshot(3, moved)).endpoints().isEmpty());
    assertTrue(applyDelta(b, snapshot(3, moved)));
    for (HttpHeaders h : List.of(headers, EmptyHttpHeaders.INSTANCE)) {
      VersionTarget blue =
          state.table().host("h3.test").route(HttpMethod.GET, "/", h).version("blue");
      assertEquals("10.0.0.9:8080", blue.endpoints()[0].toString().split(" ")[0]);
    }
  }

  @Test
  void aWeightChangeRecompilesThatHostOnly() throws Exception {
    Snapshot a = snapshot(1);
    assertTrue(state.offer(a, "test"));
    CompiledHost other = state.table().host("h5.test");
    CompiledHost before = state.table().host("h3.test");
    Snapshot b = snapshot(2, host("h3.test", 0, 1, 4));
    assertTrue(applyDelta(a, b));
    CompiledHost after = state.table().host("h3.test");
    assertNotSame(before, after);
    assertEquals(0, after.route("/").version("blue").weight());
    assertSame(other, state.table().host("h5.test"), "untouched hosts are not recompiled");
    // The result routes as a full compile of the same snapshot would.
    RoutingState full = new RoutingState(new GatewayMetrics(), AFFINITY, PreviewSettings.DEFAULTS);
    full.offer(b, "test");
    for (int bucket = 0; bucket < BucketMapping.BUCKETS; bucket += 97) {
      assertEquals(
          full.table().host("h3.test").route("/").mapping().versionFor(bucket).name(),
          after.route("/").mapping().versionFor(bucket).name());
    }
  }

  @Test
  void losingTheLastReadyEndpointRecompilesAndAHostCanBeAddedAndRemoved() throws Exception {
    Snapshot a = snapshot(1);
    assertTrue(state.offer(a, "test"));
    CompiledHost before = state.table().host("h2.test");
    Snapshot b = snapshot(2, host("h2.test", 1, 1), host("new.test", 1, 1, 7));
    assertTrue(applyDelta(a, b));
    assertNotSame(before, state.table().host("h2.test"), "serving state changed: recompiled");
    assertEquals(0, state.table().host("h2.test").route("/").version("blue").endpoints().length);
    assertEquals("new.test", state.table().host("new.test").name());
    List<HostSpec> fewer = new ArrayList<>(b.hosts());
    fewer.removeIf(h -> h.host().equals("new.test"));
    Snapshot c = new Snapshot(3, fewer);
    assertTrue(applyDelta(b, c));
    assertNull(state.table().host("new.test"));
  }

  @Test
  void anInvalidTouchedHostIsRejectedAndTheTableStays() throws Exception {
    Snapshot a = snapshot(1);
    assertTrue(state.offer(a, "test"));
    RoutingTable before = state.table();
    HostSpec bad =
        new HostSpec(
            "h1.test",
            List.of(new RouteSpec("/", List.of(new VersionSpec("blue", -1, List.of())))));
    assertTrue(!applyDelta(a, snapshot(2, bad)));
    assertSame(before, state.table());
  }

  @Test
  void theEndpointRegistryIsSweptOfEndpointsNoLongerUsed() throws Exception {
    Snapshot prev = snapshot(1);
    assertTrue(state.offer(prev, "test"));
    for (int i = 0; i < DeltaCompiler.SWEEP_EVERY + 1; i++) {
      Snapshot next = snapshot(2 + i, host("h3.test", 1, 1, 100 + (i % 100)));
      assertTrue(applyDelta(prev, next));
      prev = next;
    }
    assertTrue(state.endpoints().all().size() < 40, state.endpoints().all().size() + " endpoints");
    assertArrayEquals(
        state.table().host("h3.test").route("/").version("blue").endpoints(),
        state.table().host("h3.test").route("/").version("blue").endpoints());
  }
}
