package io.turnout.controller.server;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.snapshot.VersionSpec;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The snapshot stream and health endpoints, over real sockets. */
class SnapshotServerTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicBoolean ready = new AtomicBoolean();
  private SnapshotServer server;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : closeables) {
      c.close();
    }
    server.close();
  }

  private SnapshotServer start(SnapshotServer.Settings settings) {
    server = SnapshotServer.start(settings, ready::get, registry);
    return server;
  }

  private SseLines subscribe(String lastEventId) {
    SseLines s = new SseLines(server.port(), lastEventId);
    closeables.add(s);
    return s;
  }

  /** A snapshot of {@code endpoints} endpoints, so its size can be chosen. */
  static Snapshot snapshot(long version, int endpoints) {
    List<EndpointSpec> eps = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      eps.add(
          new EndpointSpec("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255), 8080));
    }
    return new Snapshot(
        version,
        List.of(
            new HostSpec(
                "shop.example.com",
                List.of(new RouteSpec("/", List.of(new VersionSpec("blue", 1, eps)))))));
  }

  @Test
  void aNewSubscriberGetsTheCurrentSnapshotAtOnceThenEachNewOne() {
    start(SnapshotServer.Settings.defaults(0));
    server.publish(snapshot(10, 2));
    SseLines s = subscribe(null);
    await().until(() -> s.ids().equals(List.of(10L)));
    server.publish(snapshot(11, 3));
    await().until(() -> s.ids().equals(List.of(10L, 11L)));
    // The data line is the snapshot JSON, one line, as the gateway's /snapshot shows it.
    assertTrue(s.lines.contains("event: snapshot"));
    assertTrue(s.lines.contains("data: " + SnapshotJson.toJson(snapshot(11, 3))));
  }

  @Test
  void aSubscriberResumingWithTheCurrentVersionIsNotSentItAgain() {
    start(SnapshotServer.Settings.defaults(0).withHeartbeat(Duration.ofMillis(50)));
    server.publish(snapshot(10, 2));
    SseLines resumed = subscribe("10");
    SseLines stale = subscribe("9");
    await().until(() -> resumed.heartbeats() > 0 && stale.ids().equals(List.of(10L)));
    assertEquals(List.of(), resumed.ids());
    server.publish(snapshot(11, 2));
    await().until(() -> resumed.ids().equals(List.of(11L)));
  }

  @Test
  void heartbeatsKeepAnIdleStreamVisiblyAlive() {
    start(SnapshotServer.Settings.defaults(0).withHeartbeat(Duration.ofMillis(50)));
    SseLines s = subscribe(null);
    await().until(() -> s.heartbeats() >= 3);
    assertEquals(List.of(), s.ids(), "no snapshot before the first is built");
  }

  @Test
  void aSlowSubscriberNeitherBlocksOthersNorStaysForever() throws Exception {
    start(
        SnapshotServer.Settings.defaults(0)
            .withHeartbeat(Duration.ofMillis(100))
            .withSlowClientTimeout(Duration.ofMillis(500))
            .withHighWaterMark(64 * 1024));
    // A client that asks for the stream and then never reads, behind a tiny receive buffer.
    Socket slow = new Socket();
    closeables.add(slow);
    slow.setReceiveBufferSize(4096);
    slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
    OutputStream out = slow.getOutputStream();
    out.write("GET /v1/snapshots HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    SseLines fast = subscribe(null);
    await().until(() -> server.subscribers() == 2);

    // ~300 KB per snapshot: the slow client's buffers fill on the first one.
    for (long v = 1; v <= 30; v++) {
      server.publish(snapshot(v, 15_000));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> fast.ids().contains(30L));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.subscribers() == 1);
    assertTrue(
        registry.scrape().contains("turnout_controller_clients_slow_closed_total 1.0"),
        "the cut is counted");
  }

  @Test
  void healthReadinessAndMetricsAreServed() throws Exception {
    start(SnapshotServer.Settings.defaults(0));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.port();
    assertEquals(200, get(http, base + "/healthz").statusCode());
    assertEquals(503, get(http, base + "/readyz").statusCode());
    ready.set(true);
    assertEquals(200, get(http, base + "/readyz").statusCode());
    SseLines s = subscribe(null);
    await().until(() -> server.subscribers() == 1);
    HttpResponse<String> metrics = get(http, base + "/metrics");
    assertEquals(200, metrics.statusCode());
    assertTrue(metrics.body().contains("turnout_controller_clients 1.0"), metrics.body());
    assertEquals(404, get(http, base + "/nope").statusCode());
    s.close();
  }

  private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
