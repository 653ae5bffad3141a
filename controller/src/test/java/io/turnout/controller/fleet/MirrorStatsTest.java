package io.turnout.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MirrorStatsTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final FleetStats fleet =
      new FleetStats(now::get, Duration.ofSeconds(5), Duration.ofHours(1));

  private void report(long live, long copies, long copyErrors) {
    String json =
        "{\"gateway\":\"a\",\"instance\":\"r1\",\"bounds\":[0.1,1.0],\"versions\":["
            + "{\"host\":\"shop.example.com\",\"version\":\"green\",\"requests\":"
            + live
            + ",\"errors\":0,\"assetMisses\":0,\"latency\":["
            + live
            + ","
            + live
            + "]}],\"mirrors\":[{\"host\":\"Shop.Example.com\",\"version\":\"green\",\"requests\":"
            + copies
            + ",\"errors\":"
            + copyErrors
            + ",\"latency\":[0,"
            + copies
            + "]}]}";
    fleet.accept(GatewayReport.parse(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void mirrorCountsAreKeptApartFromTheLiveOnesAndAnswerTheSameWindowQuery() {
    report(10, 100, 0);
    long t0 = now.get();
    now.addAndGet(1000);
    report(15, 300, 50);
    WindowStats live = fleet.window("shop.example.com", "green", t0, now.get());
    WindowStats copies = fleet.mirrorWindow("shop.example.com", "green", t0, now.get());
    assertEquals(5, live.requests());
    assertEquals(0, live.errors());
    assertEquals(200, copies.requests());
    assertEquals(50, copies.errors());
    assertEquals(0, copies.assetMisses());
    assertTrue(copies.p99Seconds() > 0.1, "copies were slower: " + copies.p99Seconds());
    assertTrue(live.p99Seconds() <= 0.1, "live stays fast: " + live.p99Seconds());
  }

  @Test
  void aReportWithoutMirrorsHasNoneAndABadEntryIsNamed() {
    String old = "{\"gateway\":\"a\",\"instance\":\"r1\",\"bounds\":[0.1],\"versions\":[]}";
    assertEquals(0, GatewayReport.parse(old.getBytes(StandardCharsets.UTF_8)).mirrors().size());
    String bad =
        "{\"gateway\":\"a\",\"instance\":\"r1\",\"bounds\":[0.1],\"versions\":[],"
            + "\"mirrors\":[{\"host\":\"h\",\"version\":\"v\",\"requests\":-1,\"errors\":0,"
            + "\"latency\":[0]}]}";
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GatewayReport.parse(bad.getBytes(StandardCharsets.UTF_8)));
    assertEquals("mirrors[0].requests: must be an integer >= 0", e.getMessage());
  }
}
