package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WeightedSplitTest {
  static TestUpstream blue;
  static TestUpstream green;
  static TestUpstream dark;

  @BeforeAll
  static void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
    dark = TestUpstream.start("dark");
  }

  @AfterAll
  static void stop() {
    blue.close();
    green.close();
    dark.close();
  }

  @Test
  void newClientsSplitWithinTwoPointsOfTheWeights() throws Exception {
    try (GatewayFixture gw =
        GatewayFixture.start(
            """
            hosts:
              - host: shop.example.com
                routes:
                  - path: /
                    versions:
                      - {name: blue, weight: 90, endpoints: ["%s"]}
                      - {name: green, weight: 10, endpoints: ["%s"]}
                      - {name: dark, weight: 0, endpoints: ["%s"]}
            """
                .formatted(blue.endpoint(), green.endpoint(), dark.endpoint()))) {
      int n = 10_000;
      int onGreen = 0;
      int onBlue = 0;
      var request = gw.request("shop.example.com", "/api/x").build();
      for (int i = 0; i < n; i++) {
        // No cookie is sent back: every request is a new client with a fresh bucket.
        HttpResponse<String> res = gw.client().send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        switch (res.body()) {
          case "green" -> onGreen++;
          case "blue" -> onBlue++;
          default -> throw new AssertionError("unexpected version " + res.body());
        }
      }
      double greenShare = 100.0 * onGreen / n;
      assertTrue(Math.abs(greenShare - 10) <= 2, "green got " + greenShare + "%");
      assertEquals(n, onGreen + onBlue);
      assertEquals(0, dark.requestsReceived(), "weight 0 must get no new traffic");
    }
  }
}
