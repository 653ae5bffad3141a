package io.turnout.controller.k8s;

import static io.turnout.controller.k8s.TranslationTest.slice;
import static io.turnout.controller.k8s.TranslationTest.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's drain stamps: taken when a version stops serving, cleared when it serves again,
 * kept on the Service so that a restarted controller continues them. Reconciler and ledger run for
 * real over a map-backed cluster view; the "annotation writer" applies each write to that view, as
 * the API server and the informer would.
 */
class DrainLedgerTest {
  private static final long T0 = 1_800_000_000_000L;

  /** A wall clock the test moves. */
  static final class TestClock extends Clock {
    final AtomicLong millis = new AtomicLong(T0);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  private final ReconcilerTest.MapView view = new ReconcilerTest.MapView();
  private final TestClock clock = new TestClock();
  private final List<String> writes = new ArrayList<>();
  private final List<Reconciler> reconcilers = new ArrayList<>();

  /** Records a write and applies it to the cached Service, as the informer would deliver it. */
  private final DrainStampWriter writer =
      (key, since) -> {
        writes.add(key + "=" + since);
        var s = view.services.get(key);
        Map<String, String> a = new LinkedHashMap<>(s.getMetadata().getAnnotations());
        if (since == null) {
          a.remove(Annotations.DRAINING_SINCE);
        } else {
          a.put(Annotations.DRAINING_SINCE, DrainLedger.format(since));
        }
        s.getMetadata().setAnnotations(a);
      };

  private Reconciler controller(DrainStampWriter w) {
    Reconciler r =
        Reconciler.create(
            view,
            Duration.ofDays(1),
            s -> {},
            x -> {},
            new SimpleMeterRegistry(),
            clock,
            Reconciler.Options.defaults().withDrainStamps(w));
    reconcilers.add(r);
    return r;
  }

  @AfterEach
  void stop() {
    reconcilers.forEach(Reconciler::close);
  }

  private void app(String version, String weight, String... ips) {
    Map<String, String> a = new HashMap<>();
    a.put("turnout.io/host", "shop.example.com");
    a.put("turnout.io/version", version);
    a.put("turnout.io/weight", weight);
    String before = annotation(version);
    if (before != null) {
      a.put(Annotations.DRAINING_SINCE, before);
    }
    view.services.put("ns/shop-" + version, svc("shop-" + version, a));
    view.slices.put(
        "ns/shop-" + version, List.of(slice("shop-" + version, Map.of("http", 8080), ips)));
  }

  private String annotation(String version) {
    var s = view.services.get("ns/shop-" + version);
    return s == null ? null : s.getMetadata().getAnnotations().get(Annotations.DRAINING_SINCE);
  }

  private static Snapshot rebuild(Reconciler r, String... versions) throws Exception {
    for (String v : versions) {
      r.enqueue("ns/shop-" + v);
    }
    return r.flush().get();
  }

  private static VersionSpec version(Snapshot s, String name) {
    return s.hosts().get(0).routes().get(0).versions().stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aSwitchStampsTheVersionThatStopsServingAndKeepsTheStampOnItsService() throws Exception {
    app("blue", "100", "10.0.0.1");
    app("green", "0", "10.0.1.1");
    Reconciler c = controller(writer);
    Snapshot first = rebuild(c, "blue", "green");
    assertNull(version(first, "blue").drainingSince());
    assertNull(version(first, "green").drainingSince(), "dark from the start: no stamp");
    assertTrue(writes.isEmpty());

    clock.millis.set(T0 + 1_000);
    app("blue", "0", "10.0.0.1");
    app("green", "100", "10.0.1.1");
    Snapshot switched = rebuild(c, "blue", "green");
    assertEquals(T0 + 1_000, version(switched, "blue").drainingSince());
    assertNull(version(switched, "green").drainingSince());
    assertEquals(List.of("ns/shop-blue=" + (T0 + 1_000)), writes);
    assertEquals("2027-01-15T08:00:01Z", annotation("blue"));

    // Later rebuilds (the annotation arriving, a pod change) keep the stamp, write nothing.
    clock.millis.set(T0 + 9_000);
    app("blue", "0", "10.0.0.1", "10.0.0.2");
    Snapshot later = rebuild(c, "blue");
    assertEquals(T0 + 1_000, version(later, "blue").drainingSince());
    assertEquals(1, writes.size());
  }

  @Test
  void aRestartedControllerContinuesTheDrainFromTheService() throws Exception {
    app("blue", "100", "10.0.0.1");
    app("green", "0", "10.0.1.1");
    Reconciler first = controller(writer);
    rebuild(first, "blue", "green");
    clock.millis.set(T0 + 1_000);
    app("blue", "0", "10.0.0.1");
    app("green", "100", "10.0.1.1");
    rebuild(first, "blue", "green");
    first.close();

    clock.millis.set(T0 + 60_000);
    Reconciler restarted = controller(writer);
    Snapshot s = rebuild(restarted, "blue", "green");
    assertEquals(T0 + 1_000, version(s, "blue").drainingSince(), "neither restarted nor forgotten");
    assertEquals(1, writes.size(), "nothing to write: the Service has it");
  }

  @Test
  void servingAgainClearsTheStampFromTheSnapshotAndTheService() throws Exception {
    app("blue", "100", "10.0.0.1");
    app("green", "0", "10.0.1.1");
    Reconciler c = controller(writer);
    rebuild(c, "blue", "green");
    app("blue", "0", "10.0.0.1");
    app("green", "100", "10.0.1.1");
    rebuild(c, "blue", "green");

    app("blue", "50", "10.0.0.1"); // rollback
    Snapshot back = rebuild(c, "blue");
    assertNull(version(back, "blue").drainingSince());
    assertEquals("ns/shop-blue=null", writes.get(writes.size() - 1));
    assertNull(annotation("blue"));
  }

  @Test
  void aStampLeftOverFromAnEarlierDrainIsNotReusedForANewStop() throws Exception {
    app("blue", "100", "10.0.0.1");
    app("green", "0", "10.0.1.1");
    // Its removal failed after an earlier drain: the Service still says T0 - 1 h.
    view.services
        .get("ns/shop-blue")
        .getMetadata()
        .getAnnotations()
        .put(Annotations.DRAINING_SINCE, DrainLedger.format(T0 - 3_600_000));
    Reconciler c = controller(DrainStampWriter.none());
    Snapshot serving = rebuild(c, "blue", "green");
    assertNull(version(serving, "blue").drainingSince());

    clock.millis.set(T0 + 5_000);
    app("blue", "0", "10.0.0.1");
    app("green", "100", "10.0.1.1");
    Snapshot switched = rebuild(c, "blue", "green");
    assertEquals(
        T0 + 5_000, version(switched, "blue").drainingSince(), "a fresh stop drains fully");
  }

  @Test
  void anotherReplicasStampOfTheSameStopIsAdopted() throws Exception {
    app("blue", "100", "10.0.0.1");
    app("green", "0", "10.0.1.1");
    Reconciler c = controller(DrainStampWriter.none());
    rebuild(c, "blue", "green");
    clock.millis.set(T0 + 2_000);
    app("blue", "0", "10.0.0.1");
    app("green", "100", "10.0.1.1");
    rebuild(c, "blue", "green"); // stamped T0 + 2 s here
    // The other replica saw the stop a little earlier and its write won.
    view.services
        .get("ns/shop-blue")
        .getMetadata()
        .getAnnotations()
        .put(Annotations.DRAINING_SINCE, DrainLedger.format(T0 + 1_500));
    Snapshot s = rebuild(c, "blue");
    assertEquals(T0 + 1_500, version(s, "blue").drainingSince());
  }

  @Test
  void losingTheLastReadyEndpointStopsServingToo() throws Exception {
    app("blue", "100", "10.0.0.1");
    Reconciler c = controller(writer);
    rebuild(c, "blue");
    clock.millis.set(T0 + 3_000);
    app("blue", "100"); // no ready endpoint
    Snapshot s = rebuild(c, "blue");
    assertEquals(T0 + 3_000, version(s, "blue").drainingSince());
    app("blue", "100", "10.0.0.9");
    assertNull(version(rebuild(c, "blue"), "blue").drainingSince());
  }

  @Test
  void aDeletedServiceThatStillHasReadyEndpointsCarriesAStamp() throws Exception {
    app("blue", "100", "10.0.0.1");
    app("green", "100", "10.0.1.1");
    Reconciler c = controller(writer);
    rebuild(c, "blue", "green");
    clock.millis.set(T0 + 4_000);
    view.services.remove("ns/shop-blue"); // its slice is still there
    Snapshot s = rebuild(c, "blue");
    VersionSpec blue = version(s, "blue");
    assertEquals(0, blue.weight());
    assertEquals(T0 + 4_000, blue.drainingSince());
    clock.millis.set(T0 + 8_000);
    app("green", "100", "10.0.1.1", "10.0.1.2");
    assertEquals(T0 + 4_000, version(rebuild(c, "green"), "blue").drainingSince());
    assertTrue(writes.isEmpty(), "a deleted Service cannot be annotated");
  }
}
