package io.turnout.controller.ingress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.controller.GatewayProcess;
import io.turnout.gateway.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An ingress-nginx canary Ingress pair, unchanged, in front of a real gateway process: the canary
 * weight edited on the canary Ingress reaches traffic, a pinned page keeps its version across the
 * edits, and the by-header and by-cookie rules route as ingress-nginx's do. Prints how fast a
 * canary-weight edit reaches new visitors, next to a {@code turnout.io/weight} annotation edit.
 */
class IngressCanaryTrafficTest {
  private static final String HOST = "shop.example.com";
  private static final String ANNOTATED_HOST = "annotated.example.com";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int EDITS = 20;

  private TestUpstream blue;
  private TestUpstream green;
  private FakeCluster cluster;
  private KubernetesClient client;
  private Controller controller;
  private GatewayProcess gateway;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
    cluster = new FakeCluster();
    client = cluster.client();
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName("turnout")
                .endMetadata()
                .withNewSpec()
                .withController(IngressClasses.CONTROLLER)
                .endSpec()
                .build())
        .create();
    for (TestUpstream u : List.of(blue, green)) {
      String v = u.name();
      cluster.service("shop", "shop-" + v, Map.of("turnout.io/version", v));
      cluster.slice("shop", "shop-" + v, "http", u.port(), List.of("127.0.0.1"), List.of());
    }
    controller = Controller.start(client, Controller.Settings.defaults(0).withIngress(true));
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    controller.close();
    cluster.close();
    blue.close();
    green.close();
  }

  private void ingressPair(Map<String, String> canaryAnnotations) {
    create(IngressTranslatorTest.main());
    Map<String, String> a = new LinkedHashMap<>();
    a.put(CanaryAnnotations.CANARY, "true");
    a.putAll(canaryAnnotations);
    create(IngressTranslatorTest.canary(a));
    gateway = startGateway();
  }

  private void create(Ingress i) {
    client.network().v1().ingresses().inNamespace("shop").resource(i).create();
  }

  private GatewayProcess startGateway() {
    try {
      return GatewayProcess.start(URI.create("http://127.0.0.1:" + controller.port()), List.of());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A page: its pin cookie once it has one. */
  private static final class Page {
    String cookie;
  }

  /** One request as a browser sends it; the answering version, or the status. */
  private String send(String host, Page page, boolean navigation, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + "/app"))
            .timeout(Duration.ofSeconds(20))
            .header("Host", host);
    if (navigation) {
      b.header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document");
      b.header("Accept", "text/html,*/*;q=0.8");
    } else {
      b.header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Dest", "empty").header("Accept", "*/*");
    }
    List<String> cookies = new ArrayList<>();
    if (page.cookie != null) {
      cookies.add(page.cookie);
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase("cookie")) {
        cookies.add(h.getValue());
      } else {
        b.header(h.getKey(), h.getValue());
      }
    }
    if (!cookies.isEmpty()) {
      b.header("Cookie", String.join("; ", cookies));
    }
    HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    res.headers()
        .firstValue("set-cookie")
        .ifPresent(
            c -> page.cookie = c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')));
    return res.statusCode() == 200 ? res.body() : "HTTP " + res.statusCode();
  }

  /** What a first-time visitor's navigation gets. */
  private String newVisitor(String host) throws Exception {
    return send(host, new Page(), true, Map.of());
  }

  private void setCanaryWeight(int weight) {
    client
        .network()
        .v1()
        .ingresses()
        .inNamespace("shop")
        .withName("web-canary")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\""
                + CanaryAnnotations.WEIGHT
                + "\":\""
                + weight
                + "\"}}}");
  }

  @Test
  void aCanaryWeightEditReachesNewVisitorsAndAPinnedPageKeepsItsVersion() throws Exception {
    ingressPair(Map.of(CanaryAnnotations.WEIGHT, "0"));
    // The same two apps routed by Service annotations on another host, to compare propagation.
    for (String v : List.of("blue", "green")) {
      cluster.service(
          "legacy",
          "annotated-" + v,
          Map.of(
              "turnout.io/host", ANNOTATED_HOST,
              "turnout.io/version", v,
              "turnout.io/weight", v.equals("blue") ? "100" : "0"));
      TestUpstream u = v.equals("blue") ? blue : green;
      cluster.slice("legacy", "annotated-" + v, "http", u.port(), List.of("127.0.0.1"), List.of());
    }
    await().atMost(WAIT).until(() -> "blue".equals(newVisitor(HOST)));
    await().atMost(WAIT).until(() -> "blue".equals(newVisitor(ANNOTATED_HOST)));
    Page pinned = new Page();
    assertEquals("blue", send(HOST, pinned, true, Map.of()));
    assertNotNull(pinned.cookie);

    List<Long> ingressMillis = new ArrayList<>();
    List<Long> annotationMillis = new ArrayList<>();
    for (int i = 1; i <= EDITS; i++) {
      boolean toGreen = i % 2 == 1;
      String expected = toGreen ? "green" : "blue";
      long t0 = System.nanoTime();
      setCanaryWeight(toGreen ? 100 : 0);
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> expected.equals(newVisitor(HOST)));
      ingressMillis.add((System.nanoTime() - t0) / 1_000_000);
      // Across every edit the pinned page's fetches stay on blue: moves wait for a navigation.
      assertEquals("blue", send(HOST, pinned, false, Map.of()));

      t0 = System.nanoTime();
      cluster.annotate("legacy", "annotated-blue", "turnout.io/weight", toGreen ? "0" : "100");
      cluster.annotate("legacy", "annotated-green", "turnout.io/weight", toGreen ? "100" : "0");
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> expected.equals(newVisitor(ANNOTATED_HOST)));
      annotationMillis.add((System.nanoTime() - t0) / 1_000_000);
    }
    System.out.printf(
        "canary-weight edit -> new visitors: p50 %d ms, p99 %d ms (%d edits); turnout.io/weight"
            + " annotation edit: p50 %d ms, p99 %d ms%n",
        percentile(ingressMillis, 50),
        percentile(ingressMillis, 99),
        EDITS,
        percentile(annotationMillis, 50),
        percentile(annotationMillis, 99));
    // Weight 100 now sends everyone new to the canary; the page moves at its next navigation.
    setCanaryWeight(100);
    await().atMost(WAIT).until(() -> "green".equals(newVisitor(HOST)));
    assertEquals("blue", send(HOST, pinned, false, Map.of()));
    assertEquals("green", send(HOST, pinned, true, Map.of()));
    assertEquals("green", send(HOST, pinned, false, Map.of()));
  }

  @Test
  void byHeaderAndByCookieRouteAsIngressNginxDoesHeaderFirst() throws Exception {
    ingressPair(
        Map.of(
            CanaryAnnotations.BY_HEADER, "X-Canary",
            CanaryAnnotations.BY_COOKIE, "beta",
            CanaryAnnotations.WEIGHT, "100"));
    await().atMost(WAIT).until(() -> "green".equals(newVisitor(HOST)));
    assertEquals("green", send(HOST, new Page(), true, Map.of("X-Canary", "always")));
    assertEquals("blue", send(HOST, new Page(), true, Map.of("X-Canary", "never")));
    assertEquals("blue", send(HOST, new Page(), true, Map.of("Cookie", "a=1; beta=never")));
    // The header wins over the cookie.
    assertEquals(
        "green",
        send(HOST, new Page(), true, Map.of("X-Canary", "always", "Cookie", "beta=never")));
    assertEquals(
        "blue", send(HOST, new Page(), true, Map.of("X-Canary", "never", "Cookie", "beta=always")));
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }
}
