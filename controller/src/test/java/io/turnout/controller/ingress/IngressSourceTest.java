package io.turnout.controller.ingress;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Ingress source in a real controller on the mock API server: classes, canaries, host ownership
 * across sources, Events and status.
 */
class IngressSourceTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private FakeCluster cluster;
  private KubernetesClient client;
  private Controller controller;

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
    client = cluster.client();
    ingressClass("turnout", IngressClasses.CONTROLLER, true);
    ingressClass("nginx", "k8s.io/ingress-nginx", false);
    for (String v : List.of("blue", "green")) {
      cluster.service("shop", "shop-" + v, Map.of("turnout.io/version", v));
      cluster.slice("shop", "shop-" + v, "http", 8080, List.of("10.0.0." + v.length()), List.of());
    }
    controller =
        Controller.start(
            client,
            Controller.Settings.defaults(0)
                .withIngress(true)
                .withGatewayService("turnout/turnout-gateway"));
  }

  @AfterEach
  void stop() {
    controller.close();
    cluster.close();
  }

  private void ingressClass(String name, String controllerName, boolean isDefault) {
    client
        .network()
        .v1()
        .ingressClasses()
        .resource(
            new IngressClassBuilder()
                .withNewMetadata()
                .withName(name)
                .withAnnotations(
                    isDefault ? Map.of(IngressClasses.DEFAULT_CLASS, "true") : Map.of())
                .endMetadata()
                .withNewSpec()
                .withController(controllerName)
                .endSpec()
                .build())
        .create();
  }

  /** Creates Ingress shop/{name}: host / to {@code service}, of {@code className} (or none). */
  private Ingress ingress(
      String name, String className, String host, String service, Map<String, String> ann) {
    Ingress i =
        IngressTranslatorTest.rule(
            IngressTranslatorTest.ingress(name, null, ann), host, "/", "Prefix", service);
    i = new IngressBuilder(i).editSpec().withIngressClassName(className).endSpec().build();
    return client.network().v1().ingresses().inNamespace("shop").resource(i).create();
  }

  private HostSpec host(String name) {
    Snapshot s = controller.current();
    return s == null
        ? null
        : s.hosts().stream().filter(h -> h.host().equals(name)).findFirst().orElse(null);
  }

  private Map<String, Integer> weights(String host) {
    HostSpec h = host(host);
    if (h == null) {
      return null;
    }
    return h.routes().get(h.routes().size() - 1).versions().stream()
        .collect(Collectors.toMap(VersionSpec::name, VersionSpec::weight));
  }

  private List<String> warnings(String ingress) {
    return client.v1().events().inNamespace("shop").list().getItems().stream()
        .filter(e -> e.getInvolvedObject().getName().equals(ingress))
        .filter(e -> "Ingress".equals(e.getInvolvedObject().getKind()))
        .map(Event::getMessage)
        .toList();
  }

  @Test
  void theIngressesOfTurnoutsClassesRouteByFieldAnnotationOrDefaultAndOthersAreLeftAlone() {
    ingress("mine", "turnout", "a.example.com", "shop-blue", Map.of());
    ingress("nginxs", "nginx", "b.example.com", "shop-blue", Map.of());
    ingress("unclassed", null, "c.example.com", "shop-green", Map.of());
    ingress(
        "legacy",
        null,
        "d.example.com",
        "shop-green",
        Map.of(IngressClasses.LEGACY_CLASS, "turnout"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertEquals(Map.of("blue", 100), weights("a.example.com"));
              assertEquals(Map.of("green", 100), weights("c.example.com"));
              assertEquals(Map.of("green", 100), weights("d.example.com"));
            });
    assertNull(host("b.example.com"));
  }

  @Test
  void aCanaryIngressAddsItsVersionAndACanaryWithoutMainIsRefusedWithAnEvent() {
    ingress("web", "turnout", "shop.example.com", "shop-blue", Map.of());
    Map<String, String> canary = new LinkedHashMap<>();
    canary.put(CanaryAnnotations.CANARY, "true");
    canary.put(CanaryAnnotations.WEIGHT, "25");
    ingress("web-canary", "turnout", "shop.example.com", "shop-green", canary);
    ingress("orphan", "turnout", "other.example.com", "shop-green", canary);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertEquals(Map.of("blue", 75, "green", 25), weights("shop.example.com")));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<String> w = warnings("orphan");
              assertEquals(1, w.size(), w.toString());
              assertTrue(w.get(0).contains("no main Ingress"), w.get(0));
            });
    assertNull(host("other.example.com"));
  }

  @Test
  void aHostTheServicesRouteIsRefusedToAnIngressAndTheServicesKeepIt() {
    cluster.annotate("shop", "shop-blue", "turnout.io/host", "shop.example.com");
    cluster.annotate("shop", "shop-green", "turnout.io/host", "shop.example.com");
    cluster.annotate("shop", "shop-green", "turnout.io/weight", "0");
    cluster.annotate("shop", "shop-blue", "turnout.io/weight", "100");
    await().atMost(WAIT).until(() -> host("shop.example.com") != null);
    // Named after the Services: if all were created in one second, the name decides, for them.
    ingress("web", "turnout", "shop.example.com", "shop-green", Map.of());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<String> w = warnings("web");
              assertEquals(1, w.size(), w.toString());
              assertTrue(w.get(0).contains("one kind of object routes a host"), w.get(0));
            });
    assertEquals(Map.of("blue", 100, "green", 0), weights("shop.example.com"));
  }

  @Test
  void theGatewayServiceAddressIsWrittenToTheIngressStatusAndFollowsIt() {
    ingress("web", "turnout", "shop.example.com", "shop-blue", Map.of());
    client
        .services()
        .inNamespace("turnout")
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withNamespace("turnout")
                .withName("turnout-gateway")
                .endMetadata()
                .withNewSpec()
                .withType("LoadBalancer")
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .withNewStatus()
                .withNewLoadBalancer()
                .addNewIngress()
                .withIp("203.0.113.7")
                .endIngress()
                .endLoadBalancer()
                .endStatus()
                .build())
        .create();
    await().atMost(WAIT).until(() -> "203.0.113.7".equals(statusIp("web")));
    client
        .services()
        .inNamespace("turnout")
        .withName("turnout-gateway")
        .editStatus(
            s -> {
              s.getStatus().getLoadBalancer().getIngress().get(0).setIp("203.0.113.8");
              return s;
            });
    await().atMost(WAIT).until(() -> "203.0.113.8".equals(statusIp("web")));
  }

  private String statusIp(String name) {
    Ingress i = client.network().v1().ingresses().inNamespace("shop").withName(name).get();
    if (i.getStatus() == null || i.getStatus().getLoadBalancer() == null) {
      return null;
    }
    List<IngressLoadBalancerIngress> lb = i.getStatus().getLoadBalancer().getIngress();
    return lb == null || lb.isEmpty() ? null : lb.get(0).getIp();
  }
}
