package io.turnout.bench.jmh;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.config.RepinPolicy;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.routing.RoutingTable;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A realistic routing table for the microbenchmarks: 10,000 hosts (9,900 exact names and 100 {@code
 * *.tenant-N.example.net} wildcards), each with an {@code /api} route and a default route split
 * blue 90 / green 10, and the request headers a browser's {@code fetch()} sends with a valid pin
 * cookie among other cookies. Built once per trial, off the measured path.
 */
public final class Fixtures {
  public static final int HOSTS = 10_000;
  public static final int WILDCARDS = 100;
  public static final String SECRET = "bench-secret-not-for-production";

  public static final AffinitySettings AFFINITY =
      new AffinitySettings(
          "turnout", RepinPolicy.NAVIGATION, Duration.ofMinutes(5), SECRET, null, null, null, null);

  private Fixtures() {}

  public static String exactHost(int i) {
    return String.format(Locale.ROOT, "shop-%05d.example.com", i);
  }

  public static String wildcardParent(int i) {
    return String.format(Locale.ROOT, "tenant-%03d.example.net", i);
  }

  /** The compiled table of 10,000 hosts. */
  public static RoutingTable table() {
    List<HostSpec> hosts = new ArrayList<>();
    for (int i = 0; i < HOSTS - WILDCARDS; i++) {
      hosts.add(host(exactHost(i), i));
    }
    for (int i = 0; i < WILDCARDS; i++) {
      hosts.add(host("*." + wildcardParent(i), i));
    }
    RoutingState state = new RoutingState(new GatewayMetrics(), AFFINITY, PreviewSettings.DEFAULTS);
    if (!state.offer(new Snapshot(1, hosts), "jmh")) {
      throw new IllegalStateException("fixture snapshot rejected");
    }
    return state.table();
  }

  private static HostSpec host(String name, int i) {
    // Endpoints are literal IPs (no DNS), distinct per host like real pods.
    List<EndpointSpec> blue = new ArrayList<>();
    for (int e = 0; e < 3; e++) {
      blue.add(new EndpointSpec("10.1." + (i % 250) + "." + (e + 1), 8080));
    }
    List<EndpointSpec> green = List.of(new EndpointSpec("10.2." + (i % 250) + ".1", 8080));
    List<VersionSpec> versions =
        List.of(new VersionSpec("blue", 90, blue), new VersionSpec("green", 10, green));
    return new HostSpec(
        name, List.of(new RouteSpec("/", versions), new RouteSpec("/api", versions)));
  }

  /**
   * Headers of a pinned sub-request ({@code fetch()} from a page): not a navigation, so the pin
   * holds.
   */
  public static HttpHeaders pinnedFetchHeaders(String host, String cookieValue) {
    HttpHeaders h = new DefaultHttpHeaders();
    h.set("host", host);
    h.set("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0");
    h.set("accept", "application/json");
    h.set("accept-language", "en-GB,en;q=0.9");
    h.set("sec-fetch-mode", "cors");
    h.set("sec-fetch-dest", "empty");
    h.set("sec-fetch-site", "same-origin");
    h.set("cookie", "_ga=GA1.2.1234567890.1700000000; turnout=" + cookieValue + "; theme=dark");
    return h;
  }
}
