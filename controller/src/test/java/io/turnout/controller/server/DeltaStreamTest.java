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
import io.turnout.gateway.snapshot.VersionSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The stream's delta mode, resume from held deltas, the bearer token and the cap on streams. */
class DeltaStreamTest {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<Stream<String>> open = new CopyOnWriteArrayList<>();
  private SnapshotServer server;

  @AfterEach
  void stop() {
    open.forEach(Stream::close);
    server.close();
  }

  private static Snapshot snapshot(long version, int blueWeight, String lastPod) {
    return new Snapshot(
        version,
        List.of(
            new HostSpec(
                "shop.test",
                List.of(
                    new RouteSpec(
                        "/",
                        List.of(
                            new VersionSpec(
                                "blue",
                                blueWeight,
                                List.of(
                                    new EndpointSpec("10.0.0.1", 80),
                                    new EndpointSpec(lastPod, 80)))))))));
  }

  /** Opens a stream; returns its lines as they come, or the status when it is not 200. */
  private List<String> stream(String query, String lastEventId, String token) throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/v1/snapshots" + query));
    if (lastEventId != null) {
      req.header("Last-Event-ID", lastEventId);
    }
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    HttpResponse<Stream<String>> res =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(req.build(), HttpResponse.BodyHandlers.ofLines());
    List<String> lines = new CopyOnWriteArrayList<>();
    if (res.statusCode() != 200) {
      res.body().close();
      lines.add("status " + res.statusCode());
      return lines;
    }
    open.add(res.body());
    Thread t = new Thread(() -> res.body().forEach(lines::add), "delta-test-reader");
    t.setDaemon(true);
    t.start();
    return lines;
  }

  private static List<String> events(List<String> lines) {
    List<String> out = new ArrayList<>();
    String event = null;
    for (String l : lines) {
      if (l.startsWith("event: ")) {
        event = l.substring(7);
      } else if (l.startsWith("id: ")) {
        out.add(event + " " + l.substring(4));
      }
    }
    return out;
  }

  @Test
  void deltaSubscribersGetAFullSnapshotThenDeltasAndResumeFromHeldOnes() throws Exception {
    server =
        SnapshotServer.start(
            SnapshotServer.Settings.defaults(0).withEndpointCoalesce(Duration.ZERO),
            () -> true,
            registry);
    server.publish(snapshot(10, 1, "10.0.0.2"));
    List<String> deltas = stream("?delta=1", null, null);
    List<String> full = stream("", null, null);
    await().until(() -> events(deltas).size() == 1 && events(full).size() == 1);
    server.publish(snapshot(11, 1, "10.0.0.3")); // endpoints only
    server.publish(snapshot(12, 5, "10.0.0.3")); // weight
    await().until(() -> events(deltas).size() == 3 && events(full).size() == 3);
    assertEquals(List.of("snapshot 10", "delta 11", "delta 12"), events(deltas));
    assertEquals(List.of("snapshot 10", "snapshot 11", "snapshot 12"), events(full));
    assertTrue(
        deltas.contains(
            "data: {\"version\":11,\"base\":10,\"checksum\":\""
                + io.turnout.gateway.snapshot.SnapshotChecksum.of(snapshot(11, 1, "10.0.0.3"))
                    .value()
                + "\",\"endpoints\":[{\"host\":\"shop.test\",\"path\":\"/\",\"version\":\"blue\","
                + "\"endpoints\":[\"10.0.0.1:80\",\"10.0.0.3:80\"]}]}"),
        "an endpoint change carries only that version's endpoints: " + deltas);

    List<String> resumed = stream("?delta=1", "10", null);
    await().until(() -> events(resumed).size() == 2);
    assertEquals(List.of("delta 11", "delta 12"), events(resumed), "held deltas, no full");
    List<String> unknown = stream("?delta=1", "3", null);
    await().until(() -> events(unknown).size() == 1);
    assertEquals(List.of("snapshot 12"), events(unknown), "not held: a full snapshot");
  }

  @Test
  void withATokenAStreamNeedsItAndStreamsAreCapped() throws Exception {
    server =
        SnapshotServer.start(
            SnapshotServer.Settings.defaults(0).withStreamToken("t0ken").withMaxStreams(1),
            () -> true,
            registry);
    server.publish(snapshot(1, 1, "10.0.0.2"));
    assertEquals(List.of("status 401"), stream("?delta=1", null, null));
    assertEquals(List.of("status 401"), stream("?delta=1", null, "wrong"));
    List<String> ok = stream("?delta=1", null, "t0ken");
    await().until(() -> events(ok).size() == 1);
    await().until(() -> server.subscribers() == 1);
    assertEquals(List.of("status 503"), stream("?delta=1", null, "t0ken"));
    assertTrue(
        registry
            .scrape()
            .contains("turnout_controller_clients_refused_total{reason=\"token\"} 2.0"));
    assertEquals(401, postReport(null), "a gateway's report needs the token too");
    assertEquals(401, postReport("wrong"));
    org.junit.jupiter.api.Assertions.assertNotEquals(401, postReport("t0ken"), "the token passes");
  }

  private int postReport(String token) throws Exception {
    java.net.http.HttpRequest.Builder req =
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port() + "/v1/reports"))
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}"));
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(req.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
