package io.turnout.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.turnout.controller.k8s.DrainAnnotationWriter;
import io.turnout.controller.k8s.InformerClusterView;
import io.turnout.controller.k8s.Reconciler;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import io.turnout.gateway.source.ControllerSnapshotSource;
import io.turnout.gateway.testing.ForkedGateway;
import io.turnout.gateway.testing.TestUpstream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drain shared by the whole fleet: several real gateway processes behind one controller on the mock
 * API server. Gateways that join or restart while blue drains must keep blue's open pages on blue,
 * because they take the drain from the controller's stamp, not from their own history.
 */
class FleetDrainTest {
  private static final String HOST = "shop.example.com";
  private static final int PAGES = 24;

  private FakeCluster cluster;
  private TestUpstream blue;
  private TestUpstream green;
  private Controller controller;
  private GatewayFleet fleet;
  private int port;
  private final List<Runnable> afterTest = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
    cluster = new FakeCluster();
    cluster.shopApp("100", "0");
    cluster.slice("shop", "shop-blue", "http", blue.port(), List.of("127.0.0.1"), List.of());
    cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // fixed, so a restarted controller comes back where gateways look
    }
    controller = startController();
    fleet = new GatewayFleet(URI.create("http://127.0.0.1:" + port), dir, settings("10m"));
  }

  @AfterEach
  void stop() {
    List<String> leaks = fleet.leakReports();
    fleet.close();
    if (controller != null) {
      controller.close();
    }
    afterTest.forEach(Runnable::run);
    cluster.close();
    blue.close();
    green.close();
    assertEquals(List.of(), leaks, "leak reports from the gateway processes");
  }

  private static String settings(String drainTimeout) {
    return "affinity: { secret: fleet-secret, drainTimeout: "
        + drainTimeout
        + " }\n"
        + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
        + "accessLog: false\n";
  }

  /**
   * A controller as {@code turnout run} wires it (informers, reconciler with the Service annotation
   * writer, snapshot server) on the fixed port. Its {@code close()} is a crash as gateways see it.
   * Its informers stop only after the test: the mock API server stalls the next LIST for up to a
   * minute after a watch is closed (see ControllerToGatewayTest).
   */
  private Controller startController() {
    KubernetesClient client = cluster.newClient();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InformerClusterView view = InformerClusterView.create(client, List.of());
    Reconciler[] holder = new Reconciler[1];
    SnapshotServer server =
        SnapshotServer.start(
            SnapshotServer.Settings.defaults(port).withHeartbeat(Duration.ofSeconds(1)),
            () -> holder[0] != null && holder[0].current() != null,
            registry);
    DrainAnnotationWriter stamps = new DrainAnnotationWriter(client, view, registry);
    Reconciler reconciler =
        Reconciler.create(
            view,
            Duration.ofMillis(25),
            server::publish,
            r -> {},
            registry,
            Clock.systemUTC(),
            Reconciler.Options.defaults().withDrainStamps(stamps));
    holder[0] = reconciler;
    view.start(reconciler::enqueue).thenRun(reconciler::kick);
    afterTest.add(
        () -> {
          view.close();
          client.close();
        });
    return new Controller() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public boolean ready() {
        return reconciler.current() != null;
      }

      @Override
      public Snapshot current() {
        return reconciler.current();
      }

      @Override
      public void close() {
        server.close();
        reconciler.close();
        stamps.close();
      }
    };
  }

  /** The blue version of the snapshot's one route, or null when it has none. */
  private static VersionSpec blueOf(Snapshot s) {
    if (s == null) {
      return null;
    }
    for (HostSpec h : s.hosts()) {
      for (VersionSpec v : h.routes().get(0).versions()) {
        if (v.name().equals("blue")) {
          return v;
        }
      }
    }
    return null;
  }

  /** Switches to green and returns blue's stamp once the controller published it. */
  private long switchToGreen() {
    cluster.turnout("switch", HOST, "green").succeeded();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> blueOf(controller.current()).drainingSince() != null);
    return blueOf(controller.current()).drainingSince();
  }

  private String blueAnnotation() {
    var s = cluster.client().services().inNamespace("shop").withName("shop-blue").get();
    return s.getMetadata().getAnnotations().get("turnout.io/draining-since");
  }

  private void awaitBlue(ForkedGateway g, java.util.function.Predicate<VersionSpec> ok) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> ok.test(blueOf(fleet.snapshotOf(g))));
  }

  /** One open browser page: the pin cookie that came with its HTML. */
  private static final class Page {
    String cookie;
  }

  /**
   * A top-level navigation ({@code navigate}) or a sub-request (a fetch); the answering version.
   */
  private String send(ForkedGateway g, Page page, boolean navigation) throws Exception {
    return send(g.httpPort(), page, navigation);
  }

  private String send(int gatewayPort, Page page, boolean navigation) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/app"))
            .timeout(Duration.ofSeconds(20))
            .header("Host", HOST);
    if (navigation) {
      b.header("Sec-Fetch-Mode", "navigate").header("Sec-Fetch-Dest", "document");
      b.header("Accept", "text/html,*/*;q=0.8");
    } else {
      b.header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Dest", "empty").header("Accept", "*/*");
    }
    if (page.cookie != null) {
      b.header("Cookie", page.cookie);
    }
    HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    res.headers()
        .firstValue("set-cookie")
        .ifPresent(
            c -> page.cookie = c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')));
    return res.statusCode() == 200 ? res.body() : "HTTP " + res.statusCode();
  }

  /** Pages whose sub-requests, through any gateway of the fleet, did not all reach {@code v}. */
  private int pagesNotAllOn(String v, List<Page> pages) throws Exception {
    int mixed = 0;
    for (Page p : pages) {
      boolean all = true;
      for (ForkedGateway g : fleet.gateways()) {
        all &= v.equals(send(g, p, false));
      }
      mixed += all ? 0 : 1;
    }
    return mixed;
  }

  @Test
  void aReplicaAddedAndOneRestartedDuringADrainKeepBluePagesOnBlue() throws Exception {
    ForkedGateway a = fleet.add();
    ForkedGateway b = fleet.add();
    for (ForkedGateway g : List.of(a, b)) {
      awaitBlue(g, v -> v != null && v.weight() == 100);
    }
    List<Page> pages = new ArrayList<>();
    for (int i = 0; i < PAGES; i++) {
      Page p = new Page();
      assertEquals("blue", send(i % 2 == 0 ? a : b, p, true));
      assertNotNull(p.cookie);
      pages.add(p);
    }

    long stamp = switchToGreen();
    await().atMost(Duration.ofSeconds(20)).until(() -> blueAnnotation() != null);
    assertEquals(stamp, Instant.parse(blueAnnotation()).toEpochMilli(), "kept on the Service");

    ForkedGateway restarted = fleet.restart(b);
    ForkedGateway joined = fleet.add();
    for (ForkedGateway g : fleet.gateways()) {
      awaitBlue(
          g, v -> v != null && v.weight() == 0 && Long.valueOf(stamp).equals(v.drainingSince()));
    }
    assertEquals(List.of(a, restarted, joined), fleet.gateways());

    assertEquals(0, pagesNotAllOn("blue", pages), "mixed pages during the drain");

    // Navigations take pages (and new visitors) to green, on every gateway.
    List<Page> navigated = pages.subList(0, 6);
    for (int i = 0; i < navigated.size(); i++) {
      assertEquals("green", send(fleet.gateways().get(i % 3), navigated.get(i), true));
    }
    assertEquals(0, pagesNotAllOn("green", navigated));
    assertEquals("green", send(joined, new Page(), true));

    // After drainTimeout (shortened to 1 s: the stamp is older than that) blue gets nothing.
    fleet.settings(settings("1s"));
    List<Page> open = pages.subList(6, PAGES);
    for (ForkedGateway g : fleet.gateways()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> send(g, open.get(0), false).equals("green"));
    }
    int blueBefore = blue.requestsReceived();
    assertEquals(0, pagesNotAllOn("green", open));
    assertEquals(blueBefore, blue.requestsReceived(), "blue got requests after its drain");
  }

  @Test
  void aRestartedControllerPublishesTheSameStamp() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> controller.current() != null);
    long stamp = switchToGreen();
    await().atMost(Duration.ofSeconds(20)).until(() -> blueAnnotation() != null);

    controller.close();
    controller = startController();
    await().atMost(Duration.ofSeconds(30)).until(() -> controller.current() != null);
    assertEquals(stamp, blueOf(controller.current()).drainingSince(), "neither restarted nor lost");

    // Blue serves again: the stamp goes, from the snapshot and from the Service.
    cluster.turnout("switch", HOST, "blue").succeeded();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> blueOf(controller.current()).drainingSince() == null && blueAnnotation() == null);
  }

  @Test
  void inControllerModeAGatewayNeverSendsToEndpointsTheSnapshotNoLongerLists() throws Exception {
    // One gateway is enough here, so it runs in this JVM: cheaper than a process on a busy box.
    GatewayServer gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n" + settings("10m")),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(URI.create("http://127.0.0.1:" + port))
                    .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
    afterTest.add(0, gateway::close);
    await().atMost(Duration.ofSeconds(30)).until(() -> blueOf(gateway.currentSnapshot()) != null);
    Page page = new Page();
    assertEquals("blue", send(gateway.httpPort(), page, true));
    long stamp = switchToGreen();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Long.valueOf(stamp).equals(blueOf(gateway.currentSnapshot()).drainingSince()));
    assertEquals("blue", send(gateway.httpPort(), page, false), "draining: the page stays");

    // Blue's Service and pods go while it drains: the snapshot drops blue, the gateway keeps no
    // ghost of it (file mode would), and the page's sub-requests go to the serving version.
    cluster.deleteService("shop", "shop-blue");
    cluster.deleteSlice("shop", "shop-blue");
    await().atMost(Duration.ofSeconds(20)).until(() -> blueOf(gateway.currentSnapshot()) == null);
    int blueBefore = blue.requestsReceived();
    assertEquals("green", send(gateway.httpPort(), page, false));
    assertEquals(blueBefore, blue.requestsReceived());
    assertEquals(
        List.of("green"),
        gateway.routing().table().host(HOST).route("/app").versions().stream()
            .map(v -> v.name())
            .toList());
  }
}
