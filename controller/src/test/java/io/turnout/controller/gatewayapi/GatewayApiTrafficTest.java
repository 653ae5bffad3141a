package io.turnout.controller.gatewayapi;

import static io.turnout.controller.gatewayapi.GatewayApiFixture.backend;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.gateway;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.listener;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.route;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.testing.TestUpstream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPRoute weights through the whole path: the mock API server with the Gateway API CRDs, a real
 * controller, a real gateway fed by it, and three upstreams. Ports the upstream HTTPRouteWeight
 * conformance case (70/30/0 within 5 points over 500 new clients; fresh connections without
 * cookies, since Turnout pins a client to its version), then measures how fast a weight edit on the
 * HTTPRoute reaches traffic and checks that a pinned page keeps its version across edits.
 */
class GatewayApiTrafficTest {
  private static final String HOST = "weight.example.com";
  private FakeCluster cluster;
  private KubernetesClient client;
  private Controller controller;
  private GatewayServer gateway;
  private final List<TestUpstream> upstreams = new ArrayList<>();
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    cluster = new FakeCluster();
    client = cluster.client();
    GatewayApiFixture.installCrds(client);
    GatewayApiFixture.gatewayClass(client, GatewayApiFixture.CLASS, GatewayApi.CONTROLLER_NAME);
    for (String v : List.of("v1", "v2", "v3")) {
      TestUpstream u = TestUpstream.start("backend-" + v);
      upstreams.add(u);
      cluster.service("infra", "backend-" + v, Map.of());
      cluster.slice("infra", "backend-" + v, "http", u.port(), List.of("127.0.0.1"), List.of());
    }
    gateway(client, "infra", "same-namespace", listener("http", null, "Same", null));
    client.resource(weighted(70, 30, 0)).create();
    controller = Controller.start(client, Controller.Settings.defaults(0));
    gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                    + "accessLog: false\n"),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(
                        URI.create("http://127.0.0.1:" + controller.port()))
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                    .withCacheFile(dir.resolve("snapshot.json"))));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(null, false).body().startsWith("backend-"));
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    controller.close();
    cluster.close();
    upstreams.forEach(TestUpstream::close);
  }

  private static HTTPRoute weighted(int w1, int w2, int w3) {
    return route(
        "infra",
        "weighted-backends",
        "infra",
        "same-namespace",
        null,
        List.of(HOST),
        rule(null, ref("v1", w1), ref("v2", w2), ref("v3", w3)));
  }

  private static HTTPBackendRef ref(String v, int weight) {
    return backend(null, "backend-" + v, 80, weight);
  }

  private void setWeights(int w1, int w2, int w3) {
    GatewayApiFixture.editRoute(
        client,
        "infra",
        "weighted-backends",
        r -> r.getSpec().setRules(weighted(w1, w2, w3).getSpec().getRules()));
  }

  @Test
  void newClientsSplitByTheHttpRouteWeights() throws Exception {
    // As the conformance suite: a few tries, each of 500 new clients, within 5 points of 70/30/0.
    String last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < 500; i++) {
        seen.merge(get(null, false).body(), 1, Integer::sum);
      }
      double v1 = seen.getOrDefault("backend-v1", 0) / 5.0;
      double v2 = seen.getOrDefault("backend-v2", 0) / 5.0;
      int v3 = seen.getOrDefault("backend-v3", 0);
      last = seen.toString();
      if (Math.abs(v1 - 70) <= 5 && Math.abs(v2 - 30) <= 5 && v3 == 0 && v1 + v2 == 100) {
        return;
      }
    }
    throw new AssertionError("500 new clients split " + last + ", not 70/30/0 within 5 points");
  }

  @Test
  void aWeightEditReachesTrafficAndAPinnedPageKeepsItsVersion() throws Exception {
    setWeights(100, 0, 0);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(null, false).body().equals("backend-v1"));
    Response page = get(null, true); // a page loaded on v1: its cookie pins it there
    assertEquals("backend-v1", page.body());
    String cookie = page.cookie();
    assertTrue(cookie != null, "the gateway pins with a cookie");

    List<Long> millis = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String to = i % 2 == 0 ? "backend-v2" : "backend-v1";
      long start = System.nanoTime();
      setWeights(i % 2 == 0 ? 0 : 100, i % 2 == 0 ? 100 : 0, 0);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> get(null, false).body().equals(to));
      millis.add((System.nanoTime() - start) / 1_000_000);
      // The page's sub-requests stay on the version it was loaded from, whatever the weights.
      assertEquals("backend-v1", get(cookie, false).body(), "edit " + i);
    }
    Collections.sort(millis);
    System.out.printf(
        "HTTPRoute weight edit -> traffic, %d edits: p50 %d ms, p99 %d ms, max %d ms%n",
        millis.size(),
        millis.get(millis.size() / 2),
        millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
        millis.get(millis.size() - 1));
  }

  record Response(String body, String cookie) {}

  /**
   * One request over a fresh connection; {@code cookie} null for a new client; {@code navigation}
   * for a top-level page load. Body when 200, else the status line.
   */
  private Response get(String cookie, boolean navigation) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gateway.httpPort())) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n");
      if (navigation) {
        req.append("Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\n");
        req.append("Accept: text/html,*/*;q=0.8\r\n");
      } else {
        req.append("Sec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\nAccept: */*\r\n");
      }
      if (cookie != null) {
        req.append("Cookie: ").append(cookie).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String head = response.substring(0, response.indexOf("\r\n\r\n"));
      String status = head.substring(0, head.indexOf("\r\n"));
      String body = response.substring(response.indexOf("\r\n\r\n") + 4);
      String setCookie = null;
      for (String line : head.split("\r\n")) {
        if (line.toLowerCase().startsWith("set-cookie:")) {
          String v = line.substring(line.indexOf(':') + 1).trim();
          setCookie = v.substring(0, v.indexOf(';') < 0 ? v.length() : v.indexOf(';'));
        }
      }
      return new Response(status.contains(" 200 ") ? body : status, setCookie);
    }
  }
}
