package io.turnout.gateway.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.AssetSettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.config.RepinPolicy;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How the compiler derives serving / draining / dark, in controller mode and in file mode. */
class RoutingTableCompilerTest {
  private static final long DRAIN_MILLIS = 60_000;
  private static final AffinitySettings AFFINITY =
      new AffinitySettings(
          "turnout",
          RepinPolicy.NAVIGATION,
          Duration.ofMillis(DRAIN_MILLIS),
          "test-secret",
          null,
          null,
          null,
          null);
  private static final long WALL = 1_800_000_000_000L; // epoch ms "now"
  private static final long NANOS = 77_000_000_000L; // System.nanoTime() "now"

  private final AtomicLong wall = new AtomicLong(WALL);
  private final RoutingTableCompiler controllerMode =
      new RoutingTableCompiler(
          new EndpointRegistry(), new GatewayMetrics(), new SnapshotDrainStamps(wall::get));
  private final RoutingTableCompiler fileMode =
      new RoutingTableCompiler(
          new EndpointRegistry(), new GatewayMetrics(), new GatewayDrainHistory());

  private static VersionSpec version(String name, int weight, Long drainingSince, String ip) {
    return new VersionSpec(
        name, weight, List.of(new EndpointSpec(ip, 8080, true)), drainingSince, 0);
  }

  private static Snapshot snapshot(long v, VersionSpec... versions) {
    return new Snapshot(
        v,
        List.of(new HostSpec("shop.example.com", List.of(new RouteSpec("/", List.of(versions))))));
  }

  private static RoutingTable compile(
      RoutingTableCompiler c, Snapshot s, RoutingTable prev, long nanos) {
    return c.compile(s, prev, AFFINITY, PreviewSettings.DEFAULTS, AssetSettings.DEFAULTS, nanos);
  }

  private static VersionState state(RoutingTable t, String version, long nanos) {
    VersionTarget v = t.host("shop.example.com").route("/").version(version);
    return v == null ? null : v.state(nanos, TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS));
  }

  @Test
  void aFreshGatewayTakesTheDrainFromTheStampNotFromItsHistory() {
    // A replica that never saw blue serve: the stamp alone says blue drains.
    RoutingTable t =
        compile(
            controllerMode,
            snapshot(
                1,
                version("blue", 0, WALL - 10_000, "10.0.0.1"),
                version("green", 100, null, "10.0.1.1")),
            null,
            NANOS);
    assertEquals(VersionState.DRAINING, state(t, "blue", NANOS));
    assertEquals(VersionState.SERVING, state(t, "green", NANOS));
    // 10 s of the 60 s are gone: it stays draining for 50 s more on the monotonic clock, no longer.
    assertEquals(VersionState.DRAINING, state(t, "blue", NANOS + TimeUnit.SECONDS.toNanos(49)));
    assertEquals(VersionState.DARK, state(t, "blue", NANOS + TimeUnit.SECONDS.toNanos(51)));
  }

  @Test
  void aStampOlderThanTheDrainTimeoutIsDark() {
    RoutingTable t =
        compile(
            controllerMode,
            snapshot(
                1,
                version("blue", 0, WALL - DRAIN_MILLIS - 1, "10.0.0.1"),
                version("green", 100, null, "10.0.1.1")),
            null,
            NANOS);
    assertEquals(VersionState.DARK, state(t, "blue", NANOS));
  }

  @Test
  void withoutAStampAVersionThatServedBeforeIsDarkInControllerMode() {
    RoutingTable before =
        compile(
            controllerMode,
            snapshot(
                1, version("blue", 100, null, "10.0.0.1"), version("green", 0, null, "10.0.1.1")),
            null,
            NANOS);
    assertEquals(VersionState.SERVING, state(before, "blue", NANOS));
    RoutingTable after =
        compile(
            controllerMode,
            snapshot(
                2, version("blue", 0, null, "10.0.0.1"), version("green", 100, null, "10.0.1.1")),
            before,
            NANOS + 1);
    assertEquals(VersionState.DARK, state(after, "blue", NANOS + 1), "own history is not used");
  }

  @Test
  void aServingVersionServesWhateverItsStampSays() {
    RoutingTable t =
        compile(
            controllerMode, snapshot(1, version("blue", 10, WALL - 5, "10.0.0.1")), null, NANOS);
    assertEquals(VersionState.SERVING, state(t, "blue", NANOS));
  }

  @Test
  void aStampFromTheFutureCountsAsNowAndNeverStretchesTheDrain() {
    RoutingTable t =
        compile(
            controllerMode,
            snapshot(
                1,
                version("blue", 0, WALL + 3_600_000, "10.0.0.1"),
                version("green", 1, null, "10.0.1.1")),
            null,
            NANOS);
    assertEquals(VersionState.DRAINING, state(t, "blue", NANOS));
    assertEquals(
        VersionState.DARK, state(t, "blue", NANOS + TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS)));
  }

  @Test
  void theWallClockIsReadAtEachCompile() {
    Snapshot s =
        snapshot(
            1,
            version("blue", 0, WALL - 10_000, "10.0.0.1"),
            version("green", 1, null, "10.0.1.1"));
    RoutingTable t = compile(controllerMode, s, null, NANOS);
    wall.set(WALL + DRAIN_MILLIS); // a settings edit recompiles the same snapshot a minute later
    RoutingTable later = compile(controllerMode, s, t, NANOS + TimeUnit.MINUTES.toNanos(1));
    assertEquals(VersionState.DARK, state(later, "blue", NANOS + TimeUnit.MINUTES.toNanos(1)));
  }

  @Test
  void aVersionThatLeftTheSnapshotIsGoneInControllerModeButAGhostInFileMode() {
    Snapshot both =
        snapshot(1, version("blue", 50, null, "10.0.0.1"), version("green", 50, null, "10.0.1.1"));
    Snapshot greenOnly = snapshot(2, version("green", 100, null, "10.0.1.1"));

    RoutingTable c =
        compile(controllerMode, greenOnly, compile(controllerMode, both, null, NANOS), NANOS + 1);
    assertNull(c.host("shop.example.com").route("/").version("blue"), "no ghost");

    RoutingTable f = compile(fileMode, greenOnly, compile(fileMode, both, null, NANOS), NANOS + 1);
    VersionTarget ghost = f.host("shop.example.com").route("/").version("blue");
    assertNotNull(ghost, "file mode keeps today's ghost");
    assertEquals(
        VersionState.DRAINING, ghost.state(NANOS + 1, TimeUnit.MILLISECONDS.toNanos(DRAIN_MILLIS)));
  }

  @Test
  void aDrainingVersionWithNoReadyEndpointLeftIsDark() {
    VersionSpec noPods =
        new VersionSpec(
            "blue", 0, List.of(new EndpointSpec("10.0.0.1", 8080, false)), WALL - 1_000, 0);
    RoutingTable t =
        compile(
            controllerMode,
            snapshot(1, noPods, version("green", 1, null, "10.0.1.1")),
            null,
            NANOS);
    assertEquals(VersionState.DARK, state(t, "blue", NANOS));
  }

  @Test
  void fileModeKeepsItsOwnStampAndIgnoresTheSnapshots() {
    RoutingTable before =
        compile(
            fileMode,
            snapshot(
                1, version("blue", 100, null, "10.0.0.1"), version("green", 0, null, "10.0.1.1")),
            null,
            NANOS);
    // A stamp an hour old would make blue dark in controller mode; file mode stamps "now".
    RoutingTable after =
        compile(
            fileMode,
            snapshot(
                2,
                version("blue", 0, WALL - 3_600_000, "10.0.0.1"),
                version("green", 100, null, "10.0.1.1")),
            before,
            NANOS + 1);
    assertEquals(VersionState.DRAINING, state(after, "blue", NANOS + 1));
  }
}
