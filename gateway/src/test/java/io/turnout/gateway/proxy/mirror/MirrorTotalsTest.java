package io.turnout.gateway.proxy.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.turnout.gateway.metrics.GatewayMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;

class MirrorTotalsTest {
  @Test
  void copiesAnsweredTheirFiveHundredsAndLatencyBucketsAreReadPerHostAndVersion() {
    GatewayMetrics metrics = new GatewayMetrics();
    MirrorMeters green = new MirrorMeters(metrics, "shop.example.com", "green");
    green.answered(200, 2_000_000); // 2 ms
    green.answered(503, 30_000_000); // 30 ms
    green.answered(500, 700_000_000); // 700 ms
    green.dropped(DropReason.TIMEOUT); // no answer: not a copy answered
    metrics.versionMeters("shop.example.com", "green").record(500, 1_000_000); // live: apart
    List<MirrorTotals> all = MirrorTotals.read(metrics);
    assertEquals(1, all.size());
    MirrorTotals t = all.get(0);
    assertEquals("shop.example.com", t.host());
    assertEquals("green", t.version());
    assertEquals(3, t.requests());
    assertEquals(2, t.serverErrors());
    assertArrayEquals(new long[] {0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3}, t.latency());
  }
}
