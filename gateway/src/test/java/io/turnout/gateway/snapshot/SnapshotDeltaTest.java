package io.turnout.gateway.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SnapshotDeltaTest {
  private static HostSpec host(String name, int blueWeight, List<EndpointSpec> blue) {
    return new HostSpec(
        name,
        List.of(
            new RouteSpec(
                "/",
                List.of(
                    new VersionSpec("blue", blueWeight, blue),
                    new VersionSpec("green", 0, List.of(new EndpointSpec("10.1.0.1", 8080)))))));
  }

  private static List<EndpointSpec> pods(int... lastOctets) {
    List<EndpointSpec> out = new ArrayList<>();
    for (int o : lastOctets) {
      out.add(new EndpointSpec("10.0.0." + o, 8080));
    }
    return out;
  }

  /** Diff, ship as JSON, apply: the receiver ends where the sender is, checksum included. */
  private static StreamState roundTrip(Snapshot from, Snapshot to, Map<String, Boolean> touched)
      throws Exception {
    SnapshotChecksum sum = SnapshotChecksum.of(to);
    SnapshotDelta d = SnapshotDiff.between(from, to).withChecksum(sum.value());
    SnapshotDelta wire =
        SnapshotJson.read(SnapshotJson.json(), SnapshotJson.toJson(d), SnapshotDelta.class);
    StreamState state = StreamState.of(from);
    state.apply(wire, touched);
    return state;
  }

  @Test
  void anEndpointChangeTravelsAsTheVersionsEndpointListOnly() throws Exception {
    Snapshot a =
        new Snapshot(1, List.of(host("a.test", 1, pods(1, 2)), host("b.test", 1, pods(3))));
    Snapshot b =
        new Snapshot(2, List.of(host("a.test", 1, pods(1, 4)), host("b.test", 1, pods(3))));
    SnapshotDelta d = SnapshotDiff.between(a, b);
    assertTrue(d.endpointsOnly());
    assertEquals(
        List.of(new EndpointChange("a.test", "/", "blue", pods(1, 4))),
        d.endpoints(),
        "one change");
    Map<String, Boolean> touched = new HashMap<>();
    StreamState s = roundTrip(a, b, touched);
    assertEquals(b, s.snapshot());
    assertEquals(Map.of("a.test", true), touched);
  }

  @Test
  void aWeightChangeShipsTheHostWholeAndIsNotEndpointsOnly() throws Exception {
    Snapshot a = new Snapshot(1, List.of(host("a.test", 1, pods(1)), host("b.test", 1, pods(3))));
    Snapshot b = new Snapshot(2, List.of(host("a.test", 5, pods(1)), host("c.test", 1, pods(9))));
    SnapshotDelta d = SnapshotDiff.between(a, b);
    assertFalse(d.endpointsOnly());
    assertEquals(List.of("b.test"), d.removed());
    assertEquals(2, d.hosts().size());
    Map<String, Boolean> touched = new HashMap<>();
    assertEquals(b, roundTrip(a, b, touched).snapshot());
    assertEquals(Map.of("a.test", false, "b.test", false, "c.test", false), touched);
  }

  @Test
  void fieldsOtherThanEndpointsFlowThroughAsWholeValues() throws Exception {
    // drainingSince and mirror are not named anywhere in the delta code: they travel because
    // the version is compared and copied field by field.
    VersionSpec plain = new VersionSpec("blue", 0, pods(1), null, 0);
    VersionSpec stamped = new VersionSpec("blue", 0, pods(1), 1_700_000_000_000L, 5);
    Snapshot a = new Snapshot(1, List.of(new HostSpec("a.test", List.of(route(plain)))));
    Snapshot b = new Snapshot(2, List.of(new HostSpec("a.test", List.of(route(stamped)))));
    assertFalse(SnapshotDiff.between(a, b).endpointsOnly());
    assertEquals(b, roundTrip(a, b, new HashMap<>()).snapshot());
    // And an endpoint change keeps them.
    VersionSpec moved = new VersionSpec("blue", 0, pods(2), 1_700_000_000_000L, 5);
    Snapshot c = new Snapshot(3, List.of(new HostSpec("a.test", List.of(route(moved)))));
    assertTrue(SnapshotDiff.between(b, c).endpointsOnly());
    assertEquals(c, roundTrip(b, c, new HashMap<>()).snapshot());
  }

  private static RouteSpec route(VersionSpec v) {
    return new RouteSpec("/", List.of(v));
  }

  @Test
  void theChecksumIsIndependentOfHostOrderAndChangesWithAnyHost() {
    HostSpec x = host("x.test", 1, pods(1));
    HostSpec y = host("y.test", 1, pods(2));
    assertEquals(
        SnapshotChecksum.of(new Snapshot(1, List.of(x, y))).value(),
        SnapshotChecksum.of(new Snapshot(2, List.of(y, x))).value());
    assertNotEquals(
        SnapshotChecksum.of(new Snapshot(1, List.of(x, y))).value(),
        SnapshotChecksum.of(new Snapshot(1, List.of(x, host("y.test", 1, pods(3))))).value());
    assertEquals("0000000000000000", SnapshotChecksum.of(Snapshot.empty()).value());
  }

  @Test
  void aDeltaForAnotherBaseOrWithAWrongChecksumIsRefused() {
    Snapshot a = new Snapshot(1, List.of(host("a.test", 1, pods(1))));
    Snapshot b = new Snapshot(2, List.of(host("a.test", 1, pods(2))));
    SnapshotDelta d = SnapshotDiff.between(a, b);
    StreamState elsewhere = StreamState.of(a.withVersion(7));
    assertThrows(StreamState.DeltaException.class, () -> elsewhere.apply(d, new HashMap<>()));
    StreamState s = StreamState.of(a);
    assertThrows(
        StreamState.DeltaException.class,
        () -> s.apply(d.withChecksum("0123456789abcdef"), new HashMap<>()));
  }

  @Test
  void randomChangeSequencesConvergeAndFold() throws Exception {
    Random rnd = new Random(42);
    Snapshot first = randomSnapshot(rnd, 1, null);
    Snapshot current = first;
    StreamState receiver = StreamState.of(first);
    Map<String, Boolean> touched = new HashMap<>();
    for (int i = 2; i < 300; i++) {
      Snapshot next = randomSnapshot(rnd, i, current);
      SnapshotDelta d =
          SnapshotDiff.between(current, next).withChecksum(SnapshotChecksum.of(next).value());
      receiver.apply(
          SnapshotJson.read(SnapshotJson.json(), SnapshotJson.toJson(d), SnapshotDelta.class),
          touched);
      assertEquals(next, receiver.snapshot(), "after delta to " + i);
      current = next;
    }
    assertEquals(SnapshotChecksum.of(current).value(), receiver.checksum());
  }

  @Test
  void aDeltaFromTheNamedChangesEqualsTheWholeComparison() {
    Random rnd = new Random(7);
    Snapshot current = randomSnapshot(rnd, 1, null);
    for (int i = 2; i < 300; i++) {
      Snapshot next = randomSnapshot(rnd, i, current);
      Map<String, HostSpec> before = new HashMap<>();
      current.hosts().forEach(h -> before.put(h.host(), h));
      Map<String, HostSpec> after = new HashMap<>();
      next.hosts().forEach(h -> after.put(h.host(), h));
      // What the controller names: every host that differs, plus some that do not.
      Map<String, HostSpec> changed = new HashMap<>();
      for (int h = 0; h < 25; h++) {
        String name = "h" + h + ".test";
        if (!java.util.Objects.equals(before.get(name), after.get(name)) || rnd.nextInt(8) == 0) {
          changed.put(name, after.get(name));
        }
      }
      assertEquals(
          SnapshotDiff.between(current, next),
          SnapshotDiff.changes(current.version(), next.version(), before, changed),
          "step " + i);
      current = next;
    }
  }

  /** 20 hosts; each step moves a few endpoints, sometimes a weight, adds or removes a host. */
  private static Snapshot randomSnapshot(Random rnd, long version, Snapshot previous) {
    Map<String, HostSpec> hosts = new java.util.TreeMap<>();
    if (previous == null) {
      for (int h = 0; h < 20; h++) {
        hosts.put("h" + h + ".test", host("h" + h + ".test", 1, pods(h + 1)));
      }
    } else {
      previous.hosts().forEach(h -> hosts.put(h.host(), h));
      for (int k = 0; k < 3; k++) {
        String name = "h" + rnd.nextInt(25) + ".test";
        int roll = rnd.nextInt(10);
        if (roll < 6) {
          hosts.put(name, host(name, 1 + rnd.nextInt(2), pods(rnd.nextInt(200), rnd.nextInt(200))));
        } else if (roll < 8) {
          hosts.remove(name);
        } else {
          hosts.put(name, host(name, rnd.nextInt(3), pods(1 + rnd.nextInt(5))));
        }
      }
    }
    return new Snapshot(version, new ArrayList<>(hosts.values()));
  }
}
