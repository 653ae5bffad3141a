package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Service;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host belongs to one namespace, broad wildcards need trust, and an explicit weight 0 stays dark:
 * a real controller on the fabric8 mock API server. The namespace {@code edge} is trusted.
 *
 * <p>Snapshots are compared as {@code host path version=weight} lines, so these tests pin down who
 * gets the host and which weights, not the other fields of a version.
 */
class HostOwnershipTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private FakeCluster cluster;
  private Controller controller;

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
    cluster.shopApp("90", "10");
    cluster.slice("shop", "shop-blue", "http", 8080, List.of("10.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", 8080, List.of("10.0.1.1"), List.of());
    controller =
        Controller.start(
            cluster.client(),
            Controller.Settings.defaults(0).withTrustedNamespaces(List.of("edge")));
  }

  @AfterEach
  void stop() {
    controller.close();
    cluster.close();
  }

  private static final List<String> SHOP = List.of("shop.example.com / blue=90 green=10");

  @Test
  void aTrailingDotOrUpperCaseCannotTakeOverAnotherNamespacesHost() throws Exception {
    awaitRoutes(SHOP);
    // "team-b" sorts after "shop", so even a same-second tie leaves the owner in place.
    app("team-b", "steal-dot", "shop.example.com.", "1000", "10.9.0.1");
    app("team-b", "steal-case", "SHOP.Example.COM", null, "10.9.0.2");
    awaitRejected("team-b", "steal-dot", "HostOwnedByAnotherNamespace");
    awaitRejected("team-b", "steal-case", "HostOwnedByAnotherNamespace");
    assertEquals(SHOP, routes(controller.current()), "the owner's traffic never changes");
    Event e = eventOn("team-b", "steal-dot");
    assertEquals("Warning", e.getType());
    assertTrue(
        e.getMessage().contains("host shop.example.com belongs to namespace shop"), e.getMessage());
    await().atMost(Duration.ofSeconds(10)).until(() -> rejectedTotal("host-owned") >= 2);
  }

  @Test
  void theNamespaceOfTheOldestServiceOwnsTheHostWhateverItsName() throws Exception {
    Service first = app("zeta", "docs-v1", "docs.example.com", "5", "10.1.0.1");
    Instant created = Instant.parse(first.getMetadata().getCreationTimestamp());
    // creationTimestamp has whole seconds: make the second Service visibly younger.
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().isAfter(created.plusMillis(1100)));
    // "alpha" sorts first: only the creation time can make zeta the owner.
    Service second = app("alpha", "docs-v2", "Docs.Example.com", "50", "10.1.0.2");
    assertTrue(Instant.parse(second.getMetadata().getCreationTimestamp()).isAfter(created));
    awaitRejected("alpha", "docs-v2", "HostOwnedByAnotherNamespace");
    assertTrue(eventOn("alpha", "docs-v2").getMessage().contains("namespace zeta"));
    awaitRoutes(List.of("docs.example.com / docs-v1=5", SHOP.get(0)));

    // The owner leaves (nothing to drain: no slice): the host changes hands.
    cluster.deleteSlice("zeta", "docs-v1");
    cluster.deleteService("zeta", "docs-v1");
    awaitRoutes(List.of("docs.example.com / docs-v2=50", SHOP.get(0)));
  }

  @Test
  void catchAllAndOneLabelWildcardsAreAcceptedOnlyFromTrustedNamespaces() throws Exception {
    awaitRoutes(SHOP);
    app("team-b", "catch-all", "*", "1", "10.2.0.1");
    app("team-b", "tld", "*.COM.", "1", "10.2.0.2");
    app("team-b", "own-zone", "*.team-b.example.com", "1", "10.2.0.3");
    app("edge", "default-backend", "*", "1", "10.3.0.1");
    app("edge", "com-catcher", "*.com", "1", "10.3.0.2");
    awaitRejected("team-b", "catch-all", "UntrustedWildcard");
    awaitRejected("team-b", "tld", "UntrustedWildcard");
    assertTrue(
        eventOn("team-b", "tld").getMessage().contains("host *.com would catch other owners'"),
        eventOn("team-b", "tld").getMessage());
    awaitRoutes(
        List.of(
            "* / default-backend=1",
            "*.com / com-catcher=1",
            "*.team-b.example.com / own-zone=1",
            SHOP.get(0)));
    await().atMost(Duration.ofSeconds(10)).until(() -> rejectedTotal("untrusted-wildcard") >= 2);
  }

  @Test
  void anExplicitWeightZeroStaysDarkWhileAnotherServiceHasNoWeight() {
    awaitRoutes(SHOP);
    cluster.annotate("shop", "shop-blue", "turnout.io/weight", "0");
    cluster.annotate("shop", "shop-green", "turnout.io/weight", null);
    // Before, "no weight > 0" promoted both to equal shares: a dark version went live.
    awaitRoutes(List.of("shop.example.com / blue=0 green=0"));
  }

  @Test
  void equalSharesOnlyWhenNoServiceOfTheRouteHasAWeightAnnotation() {
    awaitRoutes(SHOP);
    cluster.annotate("shop", "shop-blue", "turnout.io/weight", null);
    cluster.annotate("shop", "shop-green", "turnout.io/weight", null);
    awaitRoutes(List.of("shop.example.com / blue=1 green=1"));
    cluster.annotate("shop", "shop-green", "turnout.io/weight", "10");
    awaitRoutes(List.of("shop.example.com / blue=0 green=10"));
  }

  /** A Service for {@code host} with one ready endpoint; weight null: no annotation. */
  private Service app(String ns, String name, String host, String weight, String ip) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("turnout.io/host", host);
    if (weight != null) {
      a.put("turnout.io/weight", weight);
    }
    Service s = cluster.service(ns, name, a);
    cluster.slice(ns, name, "http", 8080, List.of(ip), List.of());
    return s;
  }

  private static List<String> routes(Snapshot s) {
    List<String> out = new ArrayList<>();
    for (HostSpec h : s.hosts()) {
      for (RouteSpec r : h.routes()) {
        StringBuilder line = new StringBuilder(h.host()).append(' ').append(r.path());
        for (VersionSpec v : r.versions()) {
          line.append(' ').append(v.name()).append('=').append(v.weight());
        }
        out.add(line.toString());
      }
    }
    return out;
  }

  private void awaitRoutes(List<String> expected) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Snapshot s = controller.current();
              assertNotNull(s);
              assertEquals(expected, routes(s));
            });
  }

  private void awaitRejected(String ns, String service, String reason) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> assertEquals(reason, eventOn(ns, service).getReason(), ns + "/" + service));
  }

  private Event eventOn(String ns, String service) {
    return cluster.client().v1().events().inNamespace(ns).list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(service))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no Event on " + ns + "/" + service));
  }

  /** {@code turnout_controller_services_rejected_total{reason=...}} from the controller's port. */
  private double rejectedTotal(String reason) throws Exception {
    HttpResponse<String> res =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + controller.port() + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String prefix = "turnout_controller_services_rejected_total{reason=\"" + reason + "\"";
    for (String line : res.body().split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }
}
