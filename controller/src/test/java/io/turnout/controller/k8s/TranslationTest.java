package io.turnout.controller.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/REFERENCE.md, Service annotations, one Service at a time and put together, without an API
 * server.
 */
class TranslationTest {
  static Service svc(String name, Map<String, String> annotations, ServicePort... ports) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withPorts(ports.length == 0 ? List.of(port("http", 80, 8080)) : List.of(ports))
        .endSpec()
        .build();
  }

  static ServicePort port(String name, int port, int target) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(target))
        .build();
  }

  /** A slice whose named ports map to target ports, with the given ready addresses. */
  static EndpointSlice slice(String service, Map<String, Integer> ports, String... ready) {
    EndpointSliceBuilder b =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace("ns")
            .withName(service + "-x")
            .addToLabels("kubernetes.io/service-name", service)
            .endMetadata()
            .withAddressType("IPv4");
    ports.forEach((n, p) -> b.addNewPort().withName(n).withPort(p).endPort());
    for (String a : ready) {
      b.addNewEndpoint().withAddresses(a).endEndpoint(); // conditions absent: ready, per Kubernetes
    }
    return b.build();
  }

  private static ServiceRoute accepted(Translation t) {
    return assertInstanceOf(Translation.Accepted.class, t).route();
  }

  private static Rejection rejected(Translation t) {
    return assertInstanceOf(Translation.Rejected.class, t).rejection();
  }

  @Test
  void defaultsAreTheServiceNameWeightZeroPathSlashAndThePortNamedHttp() {
    ServiceRoute r =
        accepted(
            ServiceTranslator.translate(
                svc("shop-blue", Map.of("turnout.io/host", "Shop.Example.com, *.shop.io")),
                List.of(slice("shop-blue", Map.of("http", 8080), "10.0.0.2", "10.0.0.1"))));
    assertEquals(List.of("*.shop.io", "shop.example.com"), r.hosts());
    assertEquals("shop-blue", r.version());
    assertEquals(0, r.weight());
    assertEquals("/", r.path());
    assertEquals(
        List.of(new EndpointSpec("10.0.0.1", 8080), new EndpointSpec("10.0.0.2", 8080)),
        r.endpoints());
  }

  @Test
  void turnoutPortPicksAServicePortByNameOrNumberAndMapsItToTheTargetPort() {
    Service s =
        svc(
            "app",
            Map.of("turnout.io/host", "a.example.com", "turnout.io/port", "8443"),
            port("web", 8443, 9443),
            port("metrics", 9090, 9090));
    ServiceRoute r =
        accepted(
            ServiceTranslator.translate(
                s, List.of(slice("app", Map.of("web", 9443, "metrics", 9090), "10.1.0.1"))));
    assertEquals(List.of(new EndpointSpec("10.1.0.1", 9443)), r.endpoints());

    Service byName =
        svc(
            "app",
            Map.of("turnout.io/host", "a.example.com", "turnout.io/port", "metrics"),
            port("web", 8443, 9443),
            port("metrics", 9090, 9090));
    assertEquals(
        9090,
        accepted(
                ServiceTranslator.translate(
                    byName,
                    List.of(slice("app", Map.of("web", 9443, "metrics", 9090), "10.1.0.1"))))
            .endpoints()
            .get(0)
            .port());
  }

  @Test
  void badAnnotationsAreRejectedWithTheReason() {
    record Case(Map<String, String> annotations, Rejection.Kind kind, String message) {}
    for (Case c :
        List.of(
            new Case(
                Map.of("turnout.io/host", "a.com", "turnout.io/weight", "abc"),
                Rejection.Kind.WEIGHT,
                "turnout.io/weight 'abc' is not an integer"),
            new Case(
                Map.of("turnout.io/host", "a.com", "turnout.io/weight", "-5"),
                Rejection.Kind.WEIGHT,
                "turnout.io/weight -5 is outside 0..1000000"),
            new Case(
                Map.of("turnout.io/host", "a.com", "turnout.io/port", "grpc"),
                Rejection.Kind.PORT,
                "turnout.io/port 'grpc' matches no port of the Service [http:80]"),
            new Case(
                Map.of("turnout.io/host", "a.com,,b.com"),
                Rejection.Kind.HOST,
                "turnout.io/host '' is an empty host name"),
            new Case(
                Map.of("turnout.io/host", "a b.com"),
                Rejection.Kind.HOST,
                "turnout.io/host 'a b.com' is not a host name or *.suffix wildcard"),
            new Case(
                Map.of("turnout.io/host", "a.com", "turnout.io/path", "api"),
                Rejection.Kind.PATH,
                "turnout.io/path 'api' must start with /"),
            new Case(
                Map.of("turnout.io/host", "a.com", "turnout.io/version", "blue/green"),
                Rejection.Kind.VERSION,
                "turnout.io/version 'blue/green' must be 1-63 letters, digits, '.', '_' or '-',"
                    + " starting with a letter or digit"))) {
      Rejection r = rejected(ServiceTranslator.translate(svc("app", c.annotations()), List.of()));
      assertEquals(c.kind(), r.kind(), c.toString());
      assertEquals(c.message(), r.message());
      assertEquals("ns/app", r.key());
    }
  }

  @Test
  void severalPortsWithoutOneNamedHttpNeedTurnoutPort() {
    Rejection r =
        rejected(
            ServiceTranslator.translate(
                svc("app", Map.of("turnout.io/host", "a.com"), port("a", 1, 1), port("b", 2, 2)),
                List.of()));
    assertTrue(r.message().contains("none is named http; set turnout.io/port"), r.message());
  }

  @Test
  void aServiceWithoutTheHostAnnotationIsIgnored() {
    assertEquals(Translation.IGNORED, ServiceTranslator.translate(svc("db", Map.of()), List.of()));
  }

  /** A live route; weight 0 here stands for "no turnout.io/weight annotation". */
  private static ServiceRoute route(String key, String version, int weight, String... ips) {
    return new ServiceRoute(
        key,
        null,
        List.of("shop.example.com"),
        "/",
        version,
        weight,
        weight > 0,
        true,
        java.util.Arrays.stream(ips).map(ip -> new EndpointSpec(ip, 80)).toList(),
        "http");
  }

  @Test
  void theSameVersionFromTwoServicesKeepsTheFirstAndRejectsTheOther() {
    SnapshotAssembler.Result r =
        SnapshotAssembler.assemble(
            List.of(route("ns/b", "blue", 5, "10.0.0.2"), route("ns/a", "blue", 5, "10.0.0.1")));
    assertEquals(
        List.of(
            new HostSpec(
                "shop.example.com",
                List.of(
                    new RouteSpec(
                        "/",
                        List.of(
                            new VersionSpec(
                                "blue", 5, List.of(new EndpointSpec("10.0.0.1", 80)))))))),
        r.hosts());
    assertEquals(1, r.conflicts().size());
    assertEquals(
        "host shop.example.com path / version blue is already provided by Service ns/a",
        r.conflicts().get(0).message());
  }

  @Test
  void withNoWeightSetOnlyVersionsWithReadyEndpointsShareEqually() {
    SnapshotAssembler.Result r =
        SnapshotAssembler.assemble(
            List.of(
                route("ns/a", "blue", 0, "10.0.0.1"),
                route("ns/b", "green", 0, "10.0.0.2"),
                route("ns/c", "grey", 0),
                route("ns/d", "old", 0, "10.0.0.9").asDeleted()));
    List<VersionSpec> versions = r.hosts().get(0).routes().get(0).versions();
    assertEquals(
        List.of("blue=1", "green=1", "grey=0", "old=0"),
        versions.stream().map(v -> v.name() + "=" + v.weight()).toList());
  }

  @Test
  void aDeletedServiceOnlyFillsASlotNoLiveServiceHolds() {
    SnapshotAssembler.Result r =
        SnapshotAssembler.assemble(
            List.of(
                route("ns/a", "blue", 0, "10.0.0.1").asDeleted(),
                route("ns/z", "blue", 7, "10.0.0.5")));
    assertEquals(
        List.of(new VersionSpec("blue", 7, List.of(new EndpointSpec("10.0.0.5", 80)))),
        r.hosts().get(0).routes().get(0).versions());
    assertEquals(List.of(), r.conflicts());
  }
}
