package io.turnout.controller.gatewayapi;

import static io.turnout.controller.gatewayapi.GatewayApiFixture.backend;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.condition;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.gateway;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.lines;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.listener;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.parent;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.route;
import static io.turnout.controller.gatewayapi.GatewayApiFixture.rule;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteFilterSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gateway API in the controller on the fabric8 mock API server with the Gateway API CRDs: which
 * routes attach, what they become in the snapshot, and the status written back. Cases follow the
 * upstream conformance tests that fit (HTTPRouteHostnameIntersection, HTTPRouteCrossNamespace,
 * HTTPRouteReferenceGrant, HTTPRouteInvalidCrossNamespaceBackendRef,
 * HTTPRouteInvalidNonExistentBackendRef, HTTPRouteInvalidBackendRefUnknownKind,
 * GatewayInvalidRouteKind, listener allowedRoutes).
 */
class GatewayApiControllerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private FakeCluster cluster;
  private KubernetesClient client;
  private Controller controller;

  @BeforeEach
  void start() throws Exception {
    cluster = new FakeCluster();
    client = cluster.client();
    GatewayApiFixture.installCrds(client);
    GatewayApiFixture.gatewayClass(client, GatewayApiFixture.CLASS, GatewayApi.CONTROLLER_NAME);
    GatewayApiFixture.gatewayClass(client, "someone-else", "example.com/other-controller");
    for (String v : List.of("v1", "v2", "v3")) {
      cluster.service("infra", "backend-" + v, Map.of());
      cluster.slice(
          "infra", "backend-" + v, "http", 80, List.of("10.0.0." + v.charAt(1)), List.of());
    }
    namespace("infra", Map.of());
    namespace("web", Map.of("team", "web"));
    namespace("other", Map.of());
    Service lb = cluster.service("turnout", "turnout-gateway", Map.of());
    lb.setStatus(
        new ServiceStatusBuilder()
            .withNewLoadBalancer()
            .addNewIngress()
            .withIp("203.0.113.7")
            .endIngress()
            .endLoadBalancer()
            .build());
    client.resource(lb).updateStatus();
    controller =
        Controller.start(
            client, Controller.Settings.defaults(0).withGatewayService("turnout/turnout-gateway"));
  }

  @AfterEach
  void stop() {
    controller.close();
    cluster.close();
  }

  private void namespace(String name, Map<String, String> labels) {
    client
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  private void awaitLines(List<String> expected) {
    await().atMost(WAIT).untilAsserted(() -> assertEquals(expected, lines(controller.current())));
  }

  private void awaitParent(String ns, String name, String gw, String accepted, String resolved) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              RouteParentStatus p = parent(client, ns, name, gw);
              assertNotNull(p, "no status from Turnout on " + ns + "/" + name);
              assertEquals(accepted, condition(p.getConditions(), "Accepted"));
              assertEquals(resolved, condition(p.getConditions(), "ResolvedRefs"));
            });
  }

  @Test
  void weightedBackendsBecomeVersionsAndEveryObjectGetsTheStatusTheConformanceSuiteReads()
      throws Exception {
    gateway(client, "infra", "gw", listener("http", null, "Same", null));
    client
        .resource(
            route(
                "infra",
                "weighted-backends",
                "infra",
                "gw",
                null,
                List.of("weight.example.com"),
                rule(
                    null,
                    backend(null, "backend-v1", 80, 70),
                    backend(null, "backend-v2", 80, 30),
                    backend(null, "backend-v3", 80, 0))))
        .create();
    awaitLines(List.of("weight.example.com / backend-v1=70 backend-v2=30 backend-v3=0"));
    awaitParent(
        "infra",
        "weighted-backends",
        "gw",
        "Accepted=True/Accepted",
        "ResolvedRefs=True/ResolvedRefs");

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              GatewayClass c = client.resources(GatewayClass.class).withName("turnout").get();
              assertEquals(
                  "Accepted=True/Accepted", condition(c.getStatus().getConditions(), "Accepted"));
              Gateway g = client.resources(Gateway.class).inNamespace("infra").withName("gw").get();
              assertNotNull(g.getStatus());
              assertEquals(
                  "Accepted=True/Accepted", condition(g.getStatus().getConditions(), "Accepted"));
              assertEquals(
                  "Programmed=True/Programmed",
                  condition(g.getStatus().getConditions(), "Programmed"));
              assertEquals("203.0.113.7", g.getStatus().getAddresses().get(0).getValue());
              assertEquals("IPAddress", g.getStatus().getAddresses().get(0).getType());
              ListenerStatus l = g.getStatus().getListeners().get(0);
              assertEquals(1, l.getAttachedRoutes());
              assertEquals("Accepted=True/Accepted", condition(l.getConditions(), "Accepted"));
              assertEquals(
                  "Programmed=True/Programmed", condition(l.getConditions(), "Programmed"));
              assertEquals(
                  "ResolvedRefs=True/ResolvedRefs", condition(l.getConditions(), "ResolvedRefs"));
              assertEquals("HTTPRoute", l.getSupportedKinds().get(0).getKind());
            });
    GatewayClass other = client.resources(GatewayClass.class).withName("someone-else").get();
    assertTrue(
        other.getStatus() == null
            || other.getStatus().getConditions() == null
            || other.getStatus().getConditions().isEmpty(),
        "another controller's class is not ours to accept");

    HTTPRoute r =
        client.resources(HTTPRoute.class).inNamespace("infra").withName("weighted-backends").get();
    for (var c : parent(client, "infra", "weighted-backends", "gw").getConditions()) {
      assertEquals(r.getMetadata().getGeneration(), c.getObservedGeneration(), c.getType());
    }

    // An edit of the spec bumps the generation; the status follows it.
    GatewayApiFixture.editRoute(
        client,
        "infra",
        "weighted-backends",
        e -> e.getSpec().getRules().get(0).getBackendRefs().get(2).setWeight(10));
    awaitLines(List.of("weight.example.com / backend-v1=70 backend-v2=30 backend-v3=10"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertEquals(
                    client
                        .resources(HTTPRoute.class)
                        .inNamespace("infra")
                        .withName("weighted-backends")
                        .get()
                        .getMetadata()
                        .getGeneration(),
                    parent(client, "infra", "weighted-backends", "gw")
                        .getConditions()
                        .get(0)
                        .getObservedGeneration()));
  }

  @Test
  void listenerAndRouteHostnamesIntersect() {
    gateway(
        client,
        "infra",
        "httproute-hostname-intersection",
        listener("listener-1", "very.specific.com", "Same", null),
        listener("listener-2", "*.wildcard.io", "Same", null),
        listener("listener-3", "*.anotherwildcard.io", "Same", null));
    String gw = "httproute-hostname-intersection";
    create(
        route(
            "infra",
            "specific-matches-specific",
            "infra",
            gw,
            null,
            List.of("non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"),
            rule("/s1", backend(null, "backend-v1", 80, null))));
    create(
        route(
            "infra",
            "specific-matches-wildcard",
            "infra",
            gw,
            null,
            List.of(
                "non.matching.com",
                "wildcard.io",
                "foo.wildcard.io",
                "bar.wildcard.io",
                "foo.bar.wildcard.io"),
            rule("/s2", backend(null, "backend-v2", 80, null))));
    create(
        route(
            "infra",
            "wildcard-matches-specific",
            "infra",
            gw,
            null,
            List.of("non.matching.com", "*.specific.com"),
            rule("/s3", backend(null, "backend-v3", 80, null))));
    create(
        route(
            "infra",
            "wildcard-matches-wildcard",
            "infra",
            gw,
            null,
            List.of("*.anotherwildcard.io"),
            rule("/s4", backend(null, "backend-v1", 80, null))));
    create(
        route(
            "infra",
            "no-intersecting-hosts",
            "infra",
            gw,
            null,
            List.of("specific.but.wrong.com", "wildcard.io"),
            rule("/s5", backend(null, "backend-v2", 80, null))));
    awaitLines(
        List.of(
            "*.anotherwildcard.io /s4 backend-v1=1",
            "bar.wildcard.io /s2 backend-v2=1",
            "foo.bar.wildcard.io /s2 backend-v2=1",
            "foo.wildcard.io /s2 backend-v2=1",
            "very.specific.com /s1 backend-v1=1",
            "very.specific.com /s3 backend-v3=1"));
    awaitParent(
        "infra",
        "no-intersecting-hosts",
        gw,
        "Accepted=False/NoMatchingListenerHostname",
        "ResolvedRefs=True/ResolvedRefs");
    awaitParent(
        "infra",
        "wildcard-matches-specific",
        gw,
        "Accepted=True/Accepted",
        "ResolvedRefs=True/ResolvedRefs");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Gateway g = client.resources(Gateway.class).inNamespace("infra").withName(gw).get();
              assertEquals(
                  List.of(2, 1, 1),
                  g.getStatus().getListeners().stream()
                      .map(ListenerStatus::getAttachedRoutes)
                      .toList());
            });
  }

  @Test
  void aCrossNamespaceBackendNeedsAReferenceGrant() {
    gateway(client, "infra", "gw", listener("http", null, "All", null));
    create(
        route(
            "web",
            "cross",
            "infra",
            "gw",
            null,
            List.of("cross.example.com"),
            rule(null, backend("infra", "backend-v1", 80, null))));
    awaitParent(
        "web", "cross", "gw", "Accepted=True/Accepted", "ResolvedRefs=False/RefNotPermitted");
    awaitLines(List.of("cross.example.com / backend-v1=1(no endpoints)"));

    client
        .resource(
            new ReferenceGrantBuilder()
                .withNewMetadata()
                .withNamespace("infra")
                .withName("web-to-backends")
                .endMetadata()
                .withNewSpec()
                .addNewFrom()
                .withGroup(GatewayApi.GROUP)
                .withKind("HTTPRoute")
                .withNamespace("web")
                .endFrom()
                .addNewTo()
                .withGroup("")
                .withKind("Service")
                .endTo()
                .endSpec()
                .build())
        .create();
    awaitParent("web", "cross", "gw", "Accepted=True/Accepted", "ResolvedRefs=True/ResolvedRefs");
    awaitLines(List.of("cross.example.com / backend-v1=1"));
  }

  @Test
  void listenersAllowedRoutesDecideWhichNamespacesAndKindsAttach() {
    gateway(
        client,
        "infra",
        "gw",
        listener("same", "same.example.com", "Same", null),
        listener("team-web", "team.example.com", "Selector", Map.of("team", "web")));
    gateway(
        client,
        "infra",
        "tcp-only",
        new ListenerBuilder(listener("tcp", null, "All", null))
            .editAllowedRoutes()
            .addNewKind()
            .withKind("TCPRoute")
            .endKind()
            .endAllowedRoutes()
            .build());
    create(
        route(
            "web",
            "from-web",
            "infra",
            "gw",
            null,
            List.of(),
            rule(null, backend("web", "missing", 80, null))));
    create(
        route(
            "other",
            "from-other",
            "infra",
            "gw",
            null,
            List.of(),
            rule(null, backend("other", "missing", 80, null))));
    create(
        route(
            "web",
            "to-tcp",
            "infra",
            "tcp-only",
            null,
            List.of(),
            rule(null, backend("web", "missing", 80, null))));
    awaitParent(
        "web", "from-web", "gw", "Accepted=True/Accepted", "ResolvedRefs=False/BackendNotFound");
    awaitParent(
        "other",
        "from-other",
        "gw",
        "Accepted=False/NotAllowedByListeners",
        "ResolvedRefs=False/BackendNotFound");
    awaitParent(
        "web",
        "to-tcp",
        "tcp-only",
        "Accepted=False/NotAllowedByListeners",
        "ResolvedRefs=False/BackendNotFound");
    awaitLines(List.of("team.example.com / missing=1(no endpoints)"));

    // Pointed at a Gateway that is not Turnout's, the route loses Turnout's status entry.
    GatewayApiFixture.editRoute(
        client, "other", "from-other", e -> e.getSpec().getParentRefs().get(0).setName("not-ours"));
    await().atMost(WAIT).until(() -> parent(client, "other", "from-other", "gw") == null);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Gateway g =
                  client.resources(Gateway.class).inNamespace("infra").withName("tcp-only").get();
              ListenerStatus l = g.getStatus().getListeners().get(0);
              assertEquals(
                  "ResolvedRefs=False/InvalidRouteKinds",
                  condition(l.getConditions(), "ResolvedRefs"));
              assertEquals(0, l.getAttachedRoutes());
            });
  }

  @Test
  void rulesMatchesAndFiltersTranslateAndBadRefsSayWhy() {
    gateway(client, "infra", "gw", listener("http", "*.example.com", "Same", null));
    HTTPRouteRule rule =
        new HTTPRouteRuleBuilder()
            .addNewMatch()
            .withNewPath()
            .withType("Exact")
            .withValue("/exact")
            .endPath()
            .withMethod("POST")
            .addNewHeader()
            .withName("x-canary")
            .withValue("1")
            .endHeader()
            .endMatch()
            .addNewMatch()
            .withNewPath()
            .withType("PathPrefix")
            .withValue("/api")
            .endPath()
            .addNewQueryParam()
            .withName("beta")
            .withValue("yes")
            .endQueryParam()
            .endMatch()
            .addNewFilter()
            .withType("RequestHeaderModifier")
            .withNewRequestHeaderModifier()
            .addNewSet()
            .withName("x-via")
            .withValue("turnout")
            .endSet()
            .withRemove("x-debug")
            .endRequestHeaderModifier()
            .endFilter()
            .addNewFilter()
            .withType("RequestMirror")
            .withNewRequestMirror()
            .withNewBackendRef()
            .withName("backend-v3")
            .withPort(80)
            .endBackendRef()
            .endRequestMirror()
            .endFilter()
            .withBackendRefs(backend(null, "backend-v1", 80, 9), backend(null, "backend-v2", 80, 1))
            .build();
    create(route("infra", "rules", "infra", "gw", null, List.of("shop.example.com"), rule));
    awaitLines(
        List.of(
            "shop.example.com /exact[Exact] backend-v1=9 backend-v2=1 backend-v3=0(mirror 100)",
            "shop.example.com /api backend-v1=9 backend-v2=1 backend-v3=0(mirror 100)"));
    HostSpec host = controller.current().hosts().get(0);
    RouteSpec exact = host.routes().get(0);
    assertEquals("POST", exact.method());
    assertEquals("x-canary", exact.headers().get(0).name());
    assertEquals("beta", host.routes().get(1).queryParams().get(0).name());
    RouteFilterSpec f = exact.filters().get(0);
    assertEquals(RouteFilterSpec.REQUEST_HEADER_MODIFIER, f.type());
    assertEquals("turnout", f.requestHeaderModifier().set().get(0).value());
    assertEquals(List.of("x-debug"), f.requestHeaderModifier().remove());
    assertEquals(
        exact.filters(), host.routes().get(1).filters(), "matches of a rule share its filters");

    create(
        route(
            "infra",
            "unknown-kind",
            "infra",
            "gw",
            null,
            List.of("kind.example.com"),
            rule(
                null,
                new io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder()
                    .withGroup("example.com")
                    .withKind("Bucket")
                    .withName("b")
                    .withPort(80)
                    .build())));
    create(
        route(
            "infra",
            "no-such-section",
            "infra",
            "gw",
            "nope",
            List.of("sect.example.com"),
            rule(null, backend(null, "backend-v1", 80, null))));
    awaitParent(
        "infra", "unknown-kind", "gw", "Accepted=True/Accepted", "ResolvedRefs=False/InvalidKind");
    awaitParent(
        "infra",
        "no-such-section",
        "gw",
        "Accepted=False/NoMatchingParent",
        "ResolvedRefs=True/ResolvedRefs");
  }

  @Test
  void anOlderServiceOwnsItsHostAndARemovedBackendDrains() throws Exception {
    cluster.service("aaa", "legacy", Map.of("turnout.io/host", "legacy.example.com"));
    cluster.slice("aaa", "legacy", "http", 80, List.of("10.0.9.1"), List.of());
    gateway(client, "infra", "gw", listener("http", null, "Same", null));
    create(
        route(
            "infra",
            "steal",
            "infra",
            "gw",
            null,
            List.of("legacy.example.com"),
            rule(null, backend(null, "backend-v1", 80, null))));
    awaitParent(
        "infra", "steal", "gw", "Accepted=False/HostConflict", "ResolvedRefs=True/ResolvedRefs");
    awaitLines(List.of("legacy.example.com / legacy=1"));
    RouteParentStatus p = parent(client, "infra", "steal", "gw");
    assertTrue(
        p.getConditions().get(0).getMessage().contains("belongs to namespace aaa"),
        p.getConditions().get(0).getMessage());

    create(
        route(
            "infra",
            "canary",
            "infra",
            "gw",
            null,
            List.of("canary.example.com"),
            rule(null, backend(null, "backend-v1", 80, 90), backend(null, "backend-v2", 80, 10))));
    awaitLines(
        List.of(
            "canary.example.com / backend-v1=90 backend-v2=10", "legacy.example.com / legacy=1"));
    GatewayApiFixture.editRoute(
        client,
        "infra",
        "canary",
        e ->
            e.getSpec()
                .getRules()
                .get(0)
                .setBackendRefs(List.of(backend(null, "backend-v2", 80, 100))));
    // v1 leaves the rule but keeps its pods: it stays at weight 0, stamped, so pins can finish.
    awaitLines(
        List.of(
            "canary.example.com / backend-v1=0 backend-v2=100", "legacy.example.com / legacy=1"));
    VersionSpec v1 = controller.current().hosts().get(0).routes().get(0).versions().get(0);
    assertNotNull(v1.drainingSince(), "a removed backend drains like a deleted Service");
    cluster.deleteSlice("infra", "backend-v1");
    awaitLines(List.of("canary.example.com / backend-v2=100", "legacy.example.com / legacy=1"));
    assertNull(
        controller.current().hosts().get(0).routes().get(0).versions().get(0).drainingSince());
  }

  private void create(HTTPRoute r) {
    client.resource(r).create();
  }
}
