package io.turnout.gateway.source;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.snapshot.VersionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerSnapshotSourceTest {
  private FakeSseServer controller;
  private ControllerSnapshotSource source;
  private final RecordingSink sink = new RecordingSink();
  @TempDir Path dir;

  /** Keeps what it is offered; validates whole and rejects, as the gateway's sink does. */
  static final class RecordingSink implements SnapshotSink {
    final List<Snapshot> applied = new CopyOnWriteArrayList<>();
    final List<String> origins = new CopyOnWriteArrayList<>();
    final List<String> rejected = new CopyOnWriteArrayList<>();

    @Override
    public boolean offer(Snapshot snapshot, String origin) {
      try {
        io.turnout.gateway.snapshot.SnapshotValidator.validate(snapshot);
      } catch (io.turnout.gateway.config.ConfigException e) {
        rejected.add(e.getMessage());
        return false;
      }
      applied.add(snapshot);
      origins.add(origin);
      return true;
    }

    @Override
    public void reject(String origin, String reason) {
      rejected.add(reason);
    }

    Snapshot last() {
      return applied.isEmpty() ? null : applied.get(applied.size() - 1);
    }
  }

  static Snapshot snapshot(long version, int greenWeight) {
    return new Snapshot(
        version,
        List.of(
            new HostSpec(
                "shop.example.com",
                List.of(
                    new RouteSpec(
                        "/",
                        List.of(
                            new VersionSpec(
                                "blue",
                                100 - greenWeight,
                                List.of(new EndpointSpec("10.0.0.1", 80))),
                            new VersionSpec(
                                "green",
                                greenWeight,
                                List.of(new EndpointSpec("10.0.0.2", 80)))))))));
  }

  @BeforeEach
  void startController() throws Exception {
    controller = new FakeSseServer();
  }

  @AfterEach
  void stop() {
    if (source != null) {
      source.close();
    }
    controller.close();
  }

  private ControllerSnapshotSource start(ControllerSnapshotSource.Settings settings) {
    source = ControllerSnapshotSource.create(settings);
    source.start(sink);
    return source;
  }

  private ControllerSnapshotSource.Settings fast() {
    return ControllerSnapshotSource.Settings.of(controller.uri())
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
  }

  @Test
  void appliesEachSnapshotButSkipsOneWithTheRoutesItAlreadyHas() throws Exception {
    start(fast());
    FakeSseServer.Conn c = controller.next();
    assertNull(c.lastEventId);
    c.snapshot(100, SnapshotJson.toJson(snapshot(100, 10)));
    // Snapshots queued together fold into the newest: let the first be applied on its own.
    await().untilAsserted(() -> assertEquals(1, sink.applied.size()));
    c.send(": keep-alive\n\n");
    c.snapshot(101, SnapshotJson.toJson(snapshot(101, 10))); // same routes, new version
    c.snapshot(102, SnapshotJson.toJson(snapshot(102, 50)));
    await().untilAsserted(() -> assertEquals(2, sink.applied.size()));
    assertEquals(100, sink.applied.get(0).version());
    assertEquals(snapshot(102, 50), sink.applied.get(1));
    await().untilAsserted(() -> assertEquals(102, source.lastEventId()));
  }

  @Test
  void reconnectsAfterTheStreamEndsAndResumesWithLastEventId() throws Exception {
    start(fast());
    FakeSseServer.Conn first = controller.next();
    first.snapshot(7, SnapshotJson.toJson(snapshot(7, 10)));
    await().until(() -> sink.applied.size() == 1);
    first.close();
    FakeSseServer.Conn second = controller.next();
    assertEquals("7", second.lastEventId);
    second.snapshot(8, SnapshotJson.toJson(snapshot(8, 30)));
    await().until(() -> sink.applied.size() == 2);
    assertEquals(sink.applied.get(0), snapshot(7, 10), "the old one served meanwhile");
  }

  @Test
  void aSilentStreamIsTreatedAsDeadAfterTheReadIdleTimeout() throws Exception {
    String json = SnapshotJson.toJson(snapshot(1, 10)); // before the clock starts: Jackson warms up
    // 3 s, not less: on a loaded machine the test thread may take a while to send the first event.
    start(fast().withReadIdleTimeout(Duration.ofSeconds(3)));
    FakeSseServer.Conn first = controller.next();
    first.snapshot(1, json);
    // No heartbeat follows: the source must give up on this connection and dial again.
    FakeSseServer.Conn second = controller.next();
    assertEquals("1", second.lastEventId);
  }

  @Test
  void keepsRetryingWhileTheControllerIsDown() throws Exception {
    controller.close();
    start(fast());
    await().during(Duration.ofMillis(300)).until(() -> !source.connected());
    assertTrue(sink.applied.isEmpty(), "nothing to apply, and never an empty snapshot");
  }

  @Test
  void anInvalidSnapshotIsRejectedAndTheLastGoodOneStays() throws Exception {
    start(fast());
    FakeSseServer.Conn c = controller.next();
    // One at a time: snapshots queued together fold into the latest, so each waits its turn.
    c.snapshot(1, SnapshotJson.toJson(snapshot(1, 10)));
    await().until(() -> sink.applied.size() == 1);
    c.snapshot(2, "{\"version\":2,\"hosts\":[{\"host\":\"bad host\",\"routes\":[]}]}");
    await().until(() -> sink.rejected.size() == 1);
    c.snapshot(3, "{\"version\":3,\"hostz\":[]}");
    await().until(() -> sink.rejected.size() == 2);
    assertEquals(1, sink.applied.size());
    // The rejected ones were not remembered as applied: the same routes as v1 are still skipped.
    c.snapshot(4, SnapshotJson.toJson(snapshot(4, 10)));
    c.snapshot(5, SnapshotJson.toJson(snapshot(5, 20)));
    await().until(() -> sink.applied.size() == 2);
    assertEquals(5, sink.last().version());
  }

  @Test
  void theSnapshotCacheServesAtStartUntilTheControllerAnswers() throws Exception {
    Path cache = dir.resolve("snapshot.json");
    start(fast().withCacheFile(cache));
    FakeSseServer.Conn c = controller.next();
    c.snapshot(5, SnapshotJson.toJson(snapshot(5, 25)));
    await().until(() -> Files.exists(cache) && Files.readString(cache).contains("\"version\":5"));
    source.close();
    controller.close();

    // A restarted gateway, controller still down: the cache is applied at once.
    RecordingSink restarted = new RecordingSink();
    source =
        ControllerSnapshotSource.create(
            ControllerSnapshotSource.Settings.of(controller.uri())
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .withCacheFile(cache));
    source.start(restarted);
    await().until(() -> restarted.applied.size() == 1);
    assertEquals(snapshot(5, 25), restarted.last());
    assertTrue(restarted.origins.get(0).startsWith("snapshot-cache"));
    assertEquals(5, source.lastEventId());
  }

  @Test
  void asksForDeltasWithTheTokenAndAppliesThemUntilAChecksumDisagrees() throws Exception {
    start(fast().withStreamToken("s3cret"));
    FakeSseServer.Conn c = controller.next();
    assertEquals("delta=1", c.query);
    assertEquals("Bearer s3cret", c.authorization);
    Snapshot v1 = snapshot(1, 10);
    Snapshot v2 = snapshot(2, 30);
    c.snapshot(1, SnapshotJson.toJson(v1));
    await().untilAsserted(() -> assertEquals(1, sink.applied.size()));
    io.turnout.gateway.snapshot.SnapshotDelta d =
        io.turnout.gateway.snapshot.SnapshotDiff.between(v1, v2)
            .withChecksum(io.turnout.gateway.snapshot.SnapshotChecksum.of(v2).value());
    c.delta(2, SnapshotJson.toJson(d));
    await().untilAsserted(() -> assertEquals(v2, sink.last()));
    // A delta whose checksum is not what the gateway computes: not applied, and the source
    // reconnects without Last-Event-ID so that the controller sends a full snapshot.
    Snapshot v3 = snapshot(3, 60);
    c.delta(
        3,
        SnapshotJson.toJson(
            io.turnout.gateway.snapshot.SnapshotDiff.between(v2, v3)
                .withChecksum("00000000000000ff")));
    FakeSseServer.Conn again = controller.next();
    assertNull(again.lastEventId);
    assertEquals(v2, sink.last());
    again.snapshot(3, SnapshotJson.toJson(v3));
    await().untilAsserted(() -> assertEquals(v3, sink.last()));
  }
}
