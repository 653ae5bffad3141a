package io.turnout.gateway.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HotReloadTest {
  static TestUpstream blue;
  static TestUpstream green;

  @BeforeAll
  static void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
  }

  @AfterAll
  static void stop() {
    blue.close();
    green.close();
  }

  private static String config(int blueWeight, int greenWeight) {
    return """
        hosts:
          - host: shop.example.com
            routes:
              - path: /
                versions:
                  - {name: blue, weight: %d, endpoints: ["%s"]}
                  - {name: green, weight: %d, endpoints: ["%s"]}
        """
        .formatted(blueWeight, blue.endpoint(), greenWeight, green.endpoint());
  }

  @Test
  void validEditAppliesWithinASecond() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config(100, 0))) {
      assertEquals("blue", gw.get("shop.example.com", "/").body());
      long before = (long) gw.metric("turnout_snapshot_version");
      gw.writeConfig(config(0, 100));
      long written = System.nanoTime();
      Awaitility.await()
          .atMost(Duration.ofMillis(1500))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> gw.get("shop.example.com", "/").body().equals("green"));
      long tookMs = (System.nanoTime() - written) / 1_000_000;
      assertTrue(tookMs < 1500, "took " + tookMs + " ms");
      assertTrue(gw.metric("turnout_snapshot_version") > before);
      assertTrue(gw.admin("/snapshot").contains("\"weight\":100"));
    }
  }

  @Test
  void invalidEditIsCountedAndTheLastGoodConfigKeepsServing() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config(100, 0))) {
      gw.writeConfig(config(0, 100).replace("weight: 100", "weight: -100"));
      Awaitility.await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> gw.metric("turnout_snapshot_rejected_total") >= 1);
      for (int i = 0; i < 20; i++) {
        assertEquals("blue", gw.get("shop.example.com", "/").body());
      }
      // Not YAML at all: also rejected, still serving.
      gw.writeConfig("hosts: [ {{{ not yaml");
      Awaitility.await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> gw.metric("turnout_snapshot_rejected_total") >= 2);
      assertEquals("blue", gw.get("shop.example.com", "/").body());
      // A good edit after bad ones applies.
      gw.writeConfig(config(0, 100));
      Awaitility.await()
          .atMost(Duration.ofSeconds(3))
          .until(() -> gw.get("shop.example.com", "/").body().equals("green"));
    }
  }
}
