package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Services and EndpointSlices in a (mock) API server become the controller's snapshot. */
class ControllerSnapshotTest {
  private FakeCluster cluster;
  private Controller controller;

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
    cluster.shopApp("90", "10");
    cluster.slice("shop", "shop-blue", "http", 8080, List.of("10.0.0.2", "10.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", 8080, List.of("10.0.1.1"), List.of("10.0.1.2"));
    controller =
        Controller.start(
            cluster.client(),
            Controller.Settings.defaults(0).withServer(SnapshotServer.Settings.defaults(0)));
  }

  @AfterEach
  void stop() {
    controller.close();
    cluster.close();
  }

  private static HostSpec shop(VersionSpec... versions) {
    return new HostSpec("shop.example.com", List.of(new RouteSpec("/", List.of(versions))));
  }

  private static VersionSpec version(String name, int weight, String... ips) {
    return new VersionSpec(
        name, weight, java.util.Arrays.stream(ips).map(ip -> new EndpointSpec(ip, 8080)).toList());
  }

  private void awaitHosts(List<HostSpec> expected) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              Snapshot s = controller.current();
              assertNotNull(s);
              assertEquals(expected, s.hosts());
            });
  }

  private static List<HostSpec> withoutDrainStamps(List<HostSpec> hosts) {
    return hosts.stream()
        .map(
            h ->
                new HostSpec(
                    h.host(),
                    h.routes().stream()
                        .map(
                            r ->
                                new RouteSpec(
                                    r.path(),
                                    r.versions().stream()
                                        .map(
                                            v ->
                                                new VersionSpec(
                                                    v.name(), v.weight(), v.endpoints()))
                                        .toList()))
                        .toList()))
        .toList();
  }

  @Test
  void servicesAndReadyEndpointsBecomeTheSnapshot() {
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
    assertTrue(controller.ready());
  }

  @Test
  void anAnnotationChangeProducesANewerSnapshot() {
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
    long before = controller.current().version();
    cluster.annotate("shop", "shop-green", "turnout.io/weight", "50");
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 50, "10.0.1.1"))));
    assertTrue(controller.current().version() > before);
  }

  @Test
  void anEndpointThatStopsBeingReadyLeavesTheSnapshot() {
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
    cluster.slice("shop", "shop-blue", "http", 8080, List.of("10.0.0.1"), List.of("10.0.0.2"));
    awaitHosts(List.of(shop(version("blue", 90, "10.0.0.1"), version("green", 10, "10.0.1.1"))));
  }

  @Test
  void aDeletedServiceDrainsAtWeightZeroUntilItsEndpointsAreGone() {
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
    cluster.deleteService("shop", "shop-blue");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertEquals(
                    List.of(
                        shop(
                            version("blue", 0, "10.0.0.1", "10.0.0.2"),
                            version("green", 10, "10.0.1.1"))),
                    withoutDrainStamps(controller.current().hosts())));
    // It stopped serving when it was deleted: the snapshot says since when, for every gateway.
    assertNotNull(
        controller.current().hosts().get(0).routes().get(0).versions().get(0).drainingSince());
    cluster.deleteSlice("shop", "shop-blue");
    awaitHosts(List.of(shop(version("green", 10, "10.0.1.1"))));
  }

  @Test
  void withoutAnyWeightEveryVersionWithReadyPodsGetsAnEqualShare() {
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
    cluster.annotate("shop", "shop-blue", "turnout.io/weight", null);
    cluster.annotate("shop", "shop-green", "turnout.io/weight", null);
    awaitHosts(
        List.of(shop(version("blue", 1, "10.0.0.1", "10.0.0.2"), version("green", 1, "10.0.1.1"))));
  }

  @Test
  void aServiceWithBadAnnotationsIsLeftOutAloneWithAnEvent() {
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
    cluster.annotate("shop", "shop-green", "turnout.io/weight", "abc");
    cluster.service(
        "shop",
        "shop-bad-port",
        Map.of("turnout.io/host", "other.example.com", "turnout.io/port", "grpc"));
    cluster.service(
        "shop",
        "shop-bad-host",
        Map.of("turnout.io/host", "not a host!", "turnout.io/weight", "5"));
    awaitHosts(List.of(shop(version("blue", 90, "10.0.0.1", "10.0.0.2"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              List<Event> events =
                  cluster.client().v1().events().inNamespace("shop").list().getItems();
              List<String> seen =
                  events.stream()
                      .map(e -> e.getInvolvedObject().getName() + " " + e.getReason())
                      .toList();
              assertTrue(seen.contains("shop-green InvalidWeight"), seen.toString());
              assertTrue(seen.contains("shop-bad-port InvalidPort"), seen.toString());
              assertTrue(seen.contains("shop-bad-host InvalidHost"), seen.toString());
              for (Event e : events) {
                if (e.getInvolvedObject().getName().equals("shop-green")) {
                  assertEquals("Warning", e.getType());
                  assertTrue(e.getMessage().contains("turnout.io/weight 'abc'"), e.getMessage());
                }
              }
            });
    // Fixing it brings the version back.
    cluster.annotate("shop", "shop-green", "turnout.io/weight", "10");
    awaitHosts(
        List.of(
            shop(version("blue", 90, "10.0.0.1", "10.0.0.2"), version("green", 10, "10.0.1.1"))));
  }
}
