package io.turnout.controller.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.SourcedRoutes;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Ingresses and the ingress-nginx canary annotations, translated into the route model. */
class IngressTranslatorTest {
  private static final String HOST = "shop.example.com";

  /** Services and slices in maps. */
  static final class Cluster implements ClusterView {
    final Map<String, Service> services = new HashMap<>();
    final Map<String, List<EndpointSlice>> slices = new HashMap<>();

    @Override
    public boolean hasSynced() {
      return true;
    }

    @Override
    public Service service(String key) {
      return services.get(key);
    }

    @Override
    public List<EndpointSlice> slicesOf(String serviceKey) {
      return slices.getOrDefault(serviceKey, List.of());
    }

    /** Service shop/{name} (port http 80, and admin 9000), version {@code version}, one pod. */
    void service(String name, String version, String ip) {
      Map<String, String> a = version == null ? Map.of() : Map.of("turnout.io/version", version);
      services.put(
          "shop/" + name,
          new ServiceBuilder()
              .withNewMetadata()
              .withNamespace("shop")
              .withName(name)
              .withAnnotations(a)
              .endMetadata()
              .withNewSpec()
              .addNewPort()
              .withName("http")
              .withPort(80)
              .endPort()
              .addNewPort()
              .withName("admin")
              .withPort(9000)
              .endPort()
              .endSpec()
              .build());
      slices.put(
          "shop/" + name,
          List.of(
              new EndpointSliceBuilder()
                  .withNewMetadata()
                  .withNamespace("shop")
                  .withName(name + "-x")
                  .addToLabels("kubernetes.io/service-name", name)
                  .endMetadata()
                  .addNewPort()
                  .withName("http")
                  .withPort(8080)
                  .endPort()
                  .addNewPort()
                  .withName("admin")
                  .withPort(9900)
                  .endPort()
                  .addNewEndpoint()
                  .withAddresses(ip)
                  .withNewConditions()
                  .withReady(true)
                  .endConditions()
                  .endEndpoint()
                  .build()));
    }
  }

  private final Cluster cluster = new Cluster();
  private final IngressTranslator translator = new IngressTranslator(cluster);

  IngressTranslatorTest() {
    cluster.service("shop-blue", "blue", "10.0.0.1");
    cluster.service("shop-green", "green", "10.0.0.2");
  }

  static Ingress ingress(String name, String created, Map<String, String> annotations) {
    return new IngressBuilder()
        .withNewMetadata()
        .withNamespace("shop")
        .withName(name)
        .withCreationTimestamp(created)
        .withAnnotations(new LinkedHashMap<>(annotations))
        .endMetadata()
        .withNewSpec()
        .withIngressClassName("turnout")
        .endSpec()
        .build();
  }

  /** {@code ingress} with a rule: host, path, pathType to service port http. */
  static Ingress rule(Ingress ingress, String host, String path, String type, String service) {
    return new IngressBuilder(ingress)
        .editSpec()
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .addNewPath()
        .withPath(path)
        .withPathType(type)
        .withNewBackend()
        .withNewService()
        .withName(service)
        .withNewPort()
        .withName("http")
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  static Ingress main() {
    return rule(ingress("web", "2026-11-23T00:00:00Z", Map.of()), HOST, "/", "Prefix", "shop-blue");
  }

  static Ingress canary(Map<String, String> more) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("nginx.ingress.kubernetes.io/canary", "true");
    a.putAll(more);
    return rule(
        ingress("web-canary", "2026-11-24T00:00:00Z", a), HOST, "/", "Prefix", "shop-green");
  }

  private static List<RouteSpec> routesOf(IngressTranslator.Result r, String name, String host) {
    return r.routes().stream()
        .filter(s -> s.claim().object().name().equals(name) && s.claim().host().equals(host))
        .map(SourcedRoutes::routes)
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, Integer> weights(RouteSpec route) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (VersionSpec v : route.versions()) {
      out.put(v.name(), v.weight());
    }
    return out;
  }

  @Test
  void pathsBecomeRoutesByTypeAndTheBackendServiceIsTheVersionWithItsEndpoints() {
    Ingress i = rule(main(), HOST, "/api", "Exact", "shop-green");
    i = rule(i, null, "/x", "ImplementationSpecific", "shop-blue");
    IngressTranslator.Result r = translator.translate(List.of(i));
    assertEquals(Map.of(), r.refused());
    List<RouteSpec> shop = routesOf(r, "web", HOST);
    assertEquals(2, shop.size());
    assertEquals(RouteSpec.PATH_PREFIX, shop.get(0).pathType());
    assertEquals(
        List.of(new VersionSpec("blue", 100, List.of(new EndpointSpec("10.0.0.1", 8080, true)))),
        shop.get(0).versions());
    assertEquals("/api", shop.get(1).path());
    assertEquals(RouteSpec.EXACT, shop.get(1).pathType());
    assertEquals("green", shop.get(1).versions().get(0).name());
    // A rule without host is the catch-all host.
    assertEquals("/x", routesOf(r, "web", "*").get(0).path());
  }

  @Test
  void theDefaultBackendIsTheRootOfEachHostWithoutOneAndTheCatchAllWithoutRules() {
    Ingress withRules =
        new IngressBuilder(
                rule(ingress("web", null, Map.of()), HOST, "/api", "Prefix", "shop-blue"))
            .editSpec()
            .withNewDefaultBackend()
            .withNewService()
            .withName("shop-green")
            .withNewPort()
            .withNumber(80)
            .endPort()
            .endService()
            .endDefaultBackend()
            .endSpec()
            .build();
    List<RouteSpec> shop = routesOf(translator.translate(List.of(withRules)), "web", HOST);
    assertEquals(List.of("/api", "/"), shop.stream().map(RouteSpec::path).toList());
    assertEquals("green", shop.get(1).versions().get(0).name());

    Ingress onlyDefault =
        new IngressBuilder(ingress("fallback", null, Map.of()))
            .editSpec()
            .withNewDefaultBackend()
            .withNewService()
            .withName("shop-blue")
            .withNewPort()
            .withName("admin")
            .endPort()
            .endService()
            .endDefaultBackend()
            .endSpec()
            .build();
    RouteSpec all = routesOf(translator.translate(List.of(onlyDefault)), "fallback", "*").get(0);
    assertEquals("/", all.path());
    // The port named admin: its target port in the slice.
    assertEquals(9900, all.versions().get(0).endpoints().get(0).port());
  }

  @Test
  void aCanaryWeightSplitsTheMainRouteOfTheWeightTotal() {
    IngressTranslator.Result r =
        translator.translate(
            List.of(
                canary(
                    Map.of(
                        "nginx.ingress.kubernetes.io/canary-weight", "30",
                        "nginx.ingress.kubernetes.io/canary-weight-total", "200")),
                main()));
    assertEquals(Map.of(), r.refused());
    List<RouteSpec> shop = routesOf(r, "web", HOST);
    assertEquals(1, shop.size());
    assertEquals(Map.of("blue", 170, "green", 30), weights(shop.get(0)));
    // The canary claims its host with no routes of its own: ownership decides for it too.
    assertEquals(List.of(), routesOf(r, "web-canary", HOST));
  }

  @Test
  void byHeaderAlwaysAndNeverComeBeforeTheCookieAndTheWeight() {
    IngressTranslator.Result r =
        translator.translate(
            List.of(
                main(),
                canary(
                    Map.of(
                        "nginx.ingress.kubernetes.io/canary-by-header", "X-Canary",
                        "nginx.ingress.kubernetes.io/canary-by-cookie", "beta",
                        "nginx.ingress.kubernetes.io/canary-weight", "10"))));
    List<RouteSpec> shop = routesOf(r, "web", HOST);
    assertEquals(5, shop.size());
    assertEquals(List.of(new HeaderMatchSpec("X-Canary", "always")), shop.get(0).headers());
    assertEquals(List.of("green"), names(shop.get(0)));
    assertEquals(List.of(new HeaderMatchSpec("X-Canary", "never")), shop.get(1).headers());
    assertEquals(List.of("blue"), names(shop.get(1)));
    HeaderMatchSpec cookie = shop.get(2).headers().get(0);
    assertEquals("cookie", cookie.name());
    assertEquals("RegularExpression", cookie.type());
    assertEquals(List.of("green"), names(shop.get(2)));
    assertEquals(List.of("blue"), names(shop.get(3)));
    assertEquals(Map.of("blue", 90, "green", 10), weights(shop.get(4)));
    assertTrue(shop.get(4).headers().isEmpty());
    for (RouteSpec route : shop) {
      assertEquals("/", route.path());
    }
  }

  @Test
  void theCookieMatchFindsTheCookieAmongOthersAndOnlyWithItsValue() {
    Pattern always = Pattern.compile(IngressTranslator.cookieMatch("beta", "always").value());
    assertTrue(always.matcher("beta=always").matches());
    assertTrue(always.matcher("a=1; beta=always; b=2").matches());
    assertTrue(always.matcher("a=1;beta=always").matches());
    assertTrue(!always.matcher("a=1; beta=never").matches());
    assertTrue(!always.matcher("xbeta=always").matches());
    assertTrue(!always.matcher("beta=alwaysx").matches());
  }

  @Test
  void aHeaderValueOrPatternSendsOnlyThatValueToTheCanary() {
    List<RouteSpec> byValue =
        routesOf(
            translator.translate(
                List.of(
                    main(),
                    canary(
                        Map.of(
                            "nginx.ingress.kubernetes.io/canary-by-header", "X-Region",
                            "nginx.ingress.kubernetes.io/canary-by-header-value", "eu")))),
            "web",
            HOST);
    assertEquals(2, byValue.size());
    assertEquals(List.of(new HeaderMatchSpec("X-Region", "eu")), byValue.get(0).headers());
    assertEquals(List.of("green"), names(byValue.get(0)));
    // No weight: the canary is in the plain route at 0, the main keeps everyone.
    assertEquals(Map.of("blue", 100, "green", 0), weights(byValue.get(1)));

    List<RouteSpec> byPattern =
        routesOf(
            new IngressTranslator(cluster)
                .translate(
                    List.of(
                        main(),
                        canary(
                            Map.of(
                                "nginx.ingress.kubernetes.io/canary-by-header",
                                "X-Region",
                                "nginx.ingress.kubernetes.io/canary-by-header-pattern",
                                "eu-.*")))),
            "web",
            HOST);
    assertEquals(
        List.of(new HeaderMatchSpec("X-Region", "eu-.*", "RegularExpression")),
        byPattern.get(0).headers());
  }

  @Test
  void aCanaryWithoutAMainForItsPathIsRefusedAndTheMainKeepsServing() {
    Ingress lost =
        rule(
            ingress(
                "lost",
                "2026-11-24T00:00:00Z",
                Map.of(
                    "nginx.ingress.kubernetes.io/canary", "true",
                    "nginx.ingress.kubernetes.io/canary-weight", "50")),
            HOST,
            "/elsewhere",
            "Prefix",
            "shop-green");
    IngressTranslator.Result r = translator.translate(List.of(main(), lost));
    String why = r.refused().get(new HostOwnership.ObjectRef("Ingress", "shop", "lost"));
    assertTrue(why.contains("no main Ingress"), why);
    assertTrue(why.contains("/elsewhere"), why);
    assertEquals(Map.of("blue", 100), weights(routesOf(r, "web", HOST).get(0)));
    assertTrue(r.routes().stream().noneMatch(s -> s.claim().object().name().equals("lost")));
  }

  @Test
  void badAnnotationsAndBadBackendsNameTheFieldAndTheReason() {
    IngressTranslator.Result r =
        translator.translate(
            List.of(main(), canary(Map.of("nginx.ingress.kubernetes.io/canary-weight", "120"))));
    assertTrue(
        r.refused()
            .get(new HostOwnership.ObjectRef("Ingress", "shop", "web-canary"))
            .startsWith("nginx.ingress.kubernetes.io/canary-weight: must be 0..100"));
    Ingress badPort =
        new IngressBuilder(main())
            .editSpec()
            .editFirstRule()
            .editHttp()
            .editFirstPath()
            .editBackend()
            .editService()
            .withNewPort()
            .withName("grpc")
            .endPort()
            .endService()
            .endBackend()
            .endPath()
            .endHttp()
            .endRule()
            .endSpec()
            .build();
    String why =
        translator
            .translate(List.of(badPort))
            .refused()
            .get(new HostOwnership.ObjectRef("Ingress", "shop", "web"));
    assertEquals("backend port 'grpc' matches no port of the Service shop-blue", why);
  }

  @Test
  void aDeletedCanaryDrainsAtWeightZeroWhileItHasPods() {
    translator.translate(
        List.of(main(), canary(Map.of("nginx.ingress.kubernetes.io/canary-weight", "10"))));
    RouteSpec after = routesOf(translator.translate(List.of(main())), "web", HOST).get(0);
    assertEquals(Map.of("blue", 100, "green", 0), weights(after));
  }

  private static List<String> names(RouteSpec route) {
    return route.versions().stream().map(VersionSpec::name).toList();
  }
}
