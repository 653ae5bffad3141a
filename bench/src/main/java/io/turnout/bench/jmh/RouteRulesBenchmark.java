package io.turnout.bench.jmh;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Route selection on a host with route rules: an exact path, a method + header route and a
 * canary-by-header route in front of the plain prefixes. {@code plain} is a request none of the
 * conditions match (it is tested against each on its way to the plain prefix), {@code canary} one
 * the header route takes. Both should allocate nothing: header matches read the head in place.
 */
@State(Scope.Thread)
public class RouteRulesBenchmark extends JmhBase {
  private CompiledHost host;
  private HttpHeaders plainHeaders;
  private HttpHeaders canaryHeaders;

  @Setup
  public void setup() {
    List<VersionSpec> versions =
        List.of(
            new VersionSpec("blue", 90, List.of(new EndpointSpec("10.1.0.1", 8080))),
            new VersionSpec("green", 10, List.of(new EndpointSpec("10.2.0.1", 8080))));
    List<HeaderMatchSpec> canary = List.of(new HeaderMatchSpec("X-Canary", "always"));
    HostSpec spec =
        new HostSpec(
            "shop.example.com",
            List.of(
                new RouteSpec("/", versions),
                new RouteSpec("/", versions, null, null, canary, null, null),
                new RouteSpec("/api", versions),
                new RouteSpec("/api", versions, null, "POST", canary, null, null),
                new RouteSpec("/login", versions, "Exact", null, null, null, null)));
    RoutingState state =
        new RoutingState(new GatewayMetrics(), Fixtures.AFFINITY, PreviewSettings.DEFAULTS);
    if (!state.offer(new Snapshot(1, List.of(spec)), "jmh")) {
      throw new IllegalStateException("fixture snapshot rejected");
    }
    host = state.table().host("shop.example.com");
    plainHeaders = Fixtures.pinnedFetchHeaders("shop.example.com", "x");
    canaryHeaders = Fixtures.pinnedFetchHeaders("shop.example.com", "x");
    canaryHeaders.set("x-canary", "always");
    if (plain().match().headerCount() != 0 || canary().match().headerCount() != 1) {
      throw new IllegalStateException("fixture took the wrong routes");
    }
  }

  @Benchmark
  public CompiledRoute plain() {
    return host.route(HttpMethod.GET, "/api/cart/items?limit=20", plainHeaders);
  }

  @Benchmark
  public CompiledRoute canary() {
    return host.route(HttpMethod.GET, "/products/42", canaryHeaders);
  }
}
