package io.turnout.controller.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FleetStatsTest {
  private static final double[] BOUNDS = {0.1, 0.25, 1.0};
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final FleetStats fleet =
      new FleetStats(now::get, Duration.ofSeconds(5), Duration.ofHours(1));

  private void report(String gw, long requests, long errors, long... latency) {
    fleet.accept(
        new GatewayReport(
            gw,
            gw + "-run1",
            BOUNDS,
            List.of(
                new GatewayReport.VersionCounts(
                    "Shop.Example.com", "green", requests, errors, 0, latency))));
  }

  @Test
  void aWindowIsTheDifferenceOfTheReportsAtItsEndsSummedOverGateways() {
    report("a", 100, 1, 100, 100, 100);
    report("b", 10, 0, 10, 10, 10);
    long t0 = now.get();
    now.addAndGet(1000);
    report("a", 130, 4, 128, 130, 130);
    now.addAndGet(1000);
    report("a", 250, 10, 240, 250, 250);
    report("b", 60, 0, 60, 60, 60);
    WindowStats w = fleet.window("shop.example.com", "green", t0, now.get());
    assertEquals(200, w.requests());
    assertEquals(9, w.errors());
    assertEquals(4.5, w.errorRatePercent(), 1e-9);
    assertEquals(2, w.gateways());
    // 190 of 200 within 0.1 s, all within 0.25 s: p99 is 0.1 + 0.15 * (198 - 190) / 10.
    assertEquals(0.1 + 0.15 * 0.8, w.p99Seconds(), 1e-9);
  }

  @Test
  void aGatewayThatStopsReportingIsLeftOutOfTheSum() {
    report("a", 0, 0, 0, 0, 0);
    report("quiet", 0, 0, 0, 0, 0);
    long t0 = now.get();
    now.addAndGet(1000);
    report("quiet", 500, 0, 500, 500, 500); // its last word
    for (int i = 0; i < 6; i++) {
      now.addAndGet(1000);
      report("a", 10L * (i + 1), 10L * (i + 1), 0, 0, 0);
    }
    WindowStats w = fleet.window("shop.example.com", "green", t0, now.get());
    assertEquals(60, w.requests(), "only a's requests: quiet's 500 good ones do not count");
    assertEquals(100.0, w.errorRatePercent(), 1e-9);
    assertEquals(1, w.gateways());
    assertEquals(List.of("a"), fleet.liveGateways());
  }

  @Test
  void aRestartedGatewayIsANewSeriesNotANegativeCount() {
    report("a", 1000, 0, 1000, 1000, 1000);
    long t0 = now.get();
    now.addAndGet(1000);
    fleet.accept(
        new GatewayReport(
            "a",
            "a-run2",
            BOUNDS,
            List.of(
                new GatewayReport.VersionCounts(
                    "shop.example.com", "green", 5, 5, 0, new long[] {0, 0, 0}))));
    now.addAndGet(1000);
    fleet.accept(
        new GatewayReport(
            "a",
            "a-run2",
            BOUNDS,
            List.of(
                new GatewayReport.VersionCounts(
                    "shop.example.com", "green", 25, 25, 0, new long[] {0, 0, 0}))));
    WindowStats w = fleet.window("shop.example.com", "green", t0, now.get());
    // run1 went silent 2 s ago (still live) and has nothing new; run2's first report is its base.
    assertEquals(20, w.requests());
    assertTrue(w.p99Seconds() == Double.POSITIVE_INFINITY, "all slower than the last bound");
  }

  @Test
  void pinnedRequestsAreSummedAsAShareOfTheWindowsRequests() {
    pinnedReport("a", 100, 40);
    pinnedReport("b", 0, 0);
    long t0 = now.get();
    now.addAndGet(1000);
    pinnedReport("a", 200, 100); // 100 requests, 60 pinned
    pinnedReport("b", 100, 15); // 100 requests, 15 pinned
    WindowStats w = fleet.window("shop.example.com", "green", t0, now.get());
    assertEquals(200, w.requests());
    assertEquals(75, w.pinned());
    assertEquals(37.5, w.pinnedPercent(), 1e-9);
    assertEquals(0, WindowStats.EMPTY.pinnedPercent(), 1e-9);
  }

  private void pinnedReport(String gw, long requests, long pinned) {
    fleet.accept(
        new GatewayReport(
            gw,
            gw + "-run1",
            BOUNDS,
            List.of(
                new GatewayReport.VersionCounts(
                    "shop.example.com",
                    "green",
                    requests,
                    0,
                    0,
                    new long[] {requests, requests, requests},
                    pinned))));
  }

  @Test
  void aReportWithoutPinnedCountsFromAnOlderGatewayParsesAsZero() {
    String old =
        "{\"gateway\":\"g\",\"instance\":\"i\",\"bounds\":[0.1,0.2],\"versions\":[{\"host\":\"h\","
            + "\"version\":\"v\",\"requests\":3,\"errors\":0,\"assetMisses\":0,\"latency\":[1,1]}]}";
    assertEquals(
        0, GatewayReport.parse(old.getBytes(StandardCharsets.UTF_8)).versions().get(0).pinned());
    String bad = old.replace("\"latency\"", "\"pinned\":\"many\",\"latency\"");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GatewayReport.parse(bad.getBytes(StandardCharsets.UTF_8)));
    assertEquals("versions[0].pinned: must be an integer >= 0", e.getMessage());
  }

  @Test
  void aBadReportIsRefusedNamingTheField() {
    String json =
        "{\"gateway\":\"g\",\"instance\":\"i\",\"bounds\":[0.1,0.2],\"versions\":[{\"host\":\"h\","
            + "\"version\":\"v\",\"requests\":1,\"errors\":-1,\"assetMisses\":0,\"latency\":[1,1]}]}";
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> GatewayReport.parse(json.getBytes(StandardCharsets.UTF_8)));
    assertEquals("versions[0].errors: must be an integer >= 0", e.getMessage());
  }
}
