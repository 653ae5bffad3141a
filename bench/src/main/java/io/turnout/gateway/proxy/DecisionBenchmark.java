package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.bench.jmh.Fixtures;
import io.turnout.bench.jmh.JmhBase;
import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.affinity.ChoiceReason;
import io.turnout.gateway.affinity.VersionChoice;
import io.turnout.gateway.affinity.VersionChooser;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.RoutingTable;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole per-request routing decision, in the order {@code ProxyFrontendHandler.onRequestHead}
 * makes it: host match among 10,000 hosts, path to route, version choice (pin cookie parsed and
 * MAC-verified, navigation check), endpoint pick (P2C). Lives in the gateway's proxy package (in
 * the bench module) because {@code EndpointPicker} and {@code RequestValidator.pathOf} are
 * package-private.
 *
 * <ul>
 *   <li>{@code pinned}: a returning client's {@code fetch()} with a valid pin (the common case);
 *       the target is no allocation at all.
 *   <li>{@code newVisitor}: no cookie, so a bucket is drawn, mapped to a version and a signed
 *       {@code Set-Cookie} value is built (that string is the allocation).
 * </ul>
 */
@State(Scope.Thread)
public class DecisionBenchmark extends JmhBase {
  private static final int N = 256;
  private RoutingTable table;
  private final HttpHeaders[] pinned = new HttpHeaders[N];
  private final HttpHeaders[] fresh = new HttpHeaders[N];
  private final String[] paths = new String[N];
  private final VersionChoice choice = new VersionChoice();
  private int i;

  @Setup
  public void setup() {
    table = Fixtures.table();
    SplittableRandom r = new SplittableRandom(7);
    for (int k = 0; k < N; k++) {
      String host = Fixtures.exactHost(r.nextInt(Fixtures.HOSTS - Fixtures.WILDCARDS));
      AffinityPolicy policy = table.host(host).affinity();
      String version = r.nextInt(10) == 0 ? "green" : "blue";
      pinned[k] =
          Fixtures.pinnedFetchHeaders(
              host, policy.codec().encode(r.nextInt(10_000), version, host));
      fresh[k] = Fixtures.pinnedFetchHeaders(host, "x");
      fresh[k].remove(HttpHeaderNames.COOKIE);
      paths[k] = k % 2 == 0 ? "/api/cart/items?limit=20" : "/static/app.3f9a.js";
    }
    // The fixture must take the path it claims to measure.
    decide(pinned[0], paths[0]);
    if (choice.reason() != ChoiceReason.PIN || choice.setCookie()) {
      throw new IllegalStateException("pinned fixture took " + choice.reason());
    }
  }

  @Benchmark
  public UpstreamEndpoint pinned() {
    int k = i++ & (N - 1);
    return decide(pinned[k], paths[k]);
  }

  @Benchmark
  public CharSequence newVisitor() {
    int k = i++ & (N - 1);
    CompiledHost host = table.host(fresh[k].get(HttpHeaderNames.HOST));
    UpstreamEndpoint ep = decide(fresh[k], paths[k]);
    return ep == null
        ? null
        : host.affinity()
            .setCookieHeader(
                choice.bucket(), choice.target().name(), fresh[k].get(HttpHeaderNames.HOST), false);
  }

  private UpstreamEndpoint decide(HttpHeaders headers, String uri) {
    long now = System.nanoTime();
    CompiledHost host = table.host(headers.get(HttpHeaderNames.HOST));
    String path = RequestValidator.pathOf(uri);
    CompiledRoute route = host.route(HttpMethod.GET, path, headers);
    VersionChooser.choose(host.affinity(), route, HttpMethod.GET, headers, now, choice);
    VersionTarget v = choice.target();
    return EndpointPicker.pick(v.endpoints(), null, now);
  }
}
