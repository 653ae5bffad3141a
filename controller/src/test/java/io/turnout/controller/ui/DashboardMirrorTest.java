package io.turnout.controller.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.controller.fleet.GatewayReport;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's frame puts a mirrored version's copies next to its live numbers. */
class DashboardMirrorTest {
  @Test
  void aMirroredVersionHasItsCopiesNumbersNextToItsLiveOnes() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    FleetStats fleet = new FleetStats(now::get, Duration.ofSeconds(5), Duration.ofHours(1));
    double[] bounds = {0.1, 1.0};
    for (long copies : new long[] {0, 40}) {
      fleet.accept(
          new GatewayReport(
              "gw",
              "run",
              bounds,
              List.of(
                  new GatewayReport.VersionCounts(
                      "shop.example.com", "blue", copies * 10, 0, 0, new long[] {0, copies * 10})),
              List.of(
                  new GatewayReport.VersionCounts(
                      "shop.example.com",
                      "green",
                      copies,
                      copies / 4,
                      0,
                      new long[] {0, copies}))));
      now.addAndGet(1000);
    }
    List<EndpointSpec> ep = List.of(new EndpointSpec("127.0.0.1", 1));
    Snapshot s =
        new Snapshot(
            1,
            List.of(
                new HostSpec(
                    "shop.example.com",
                    List.of(
                        new RouteSpec(
                            "/",
                            List.of(
                                new VersionSpec("blue", 100, ep),
                                new VersionSpec("green", 0, ep, null, 50)))))));
    DashboardState state = new DashboardState(() -> s, List::of, fleet, () -> true, now::get);
    JsonNode versions = new ObjectMapper().readTree(state.json()).at("/hosts/0/versions");
    JsonNode blue = versions.get(0);
    JsonNode green = versions.get(1);
    assertFalse(blue.has("mirrored"), "blue is not mirrored");
    assertEquals(400, blue.get("requests").asLong());
    assertEquals(0, green.get("requests").asLong(), "green serves nobody live");
    assertEquals(50, green.get("mirror").asInt());
    assertEquals(40, green.at("/mirrored/requests").asLong());
    assertEquals(25.0, green.at("/mirrored/errorRate").asDouble(), 1e-9);
  }
}
