package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.BrowserSession;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two routes of one host on the same path share versions: the plain route and a canary-by-header
 * route with other weights. The pin is the host's, so a pinned client keeps its version whichever
 * of the routes its requests match, and only a navigation may move it.
 */
class RouteRulesAffinityTest {
  static TestUpstream blue;
  static TestUpstream green;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
    gateway =
        GatewayFixture.start(
            """
            hosts:
              - host: canary.example.com
                routes:
                  - path: /
                    versions:
                      - {name: blue, weight: 1, endpoints: ["%1$s"]}
                      - {name: green, weight: 1, endpoints: ["%2$s"]}
                  - path: /
                    headers: [{name: X-Canary, value: "on"}]
                    versions:
                      - {name: blue, weight: 1, endpoints: ["%1$s"]}
                      - {name: green, weight: 9, endpoints: ["%2$s"]}
            """
                .formatted(blue.endpoint(), green.endpoint()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    blue.close();
    green.close();
  }

  @Test
  void aPinnedClientKeepsItsVersionAcrossRoutesSharingIt() throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 12; i++) {
      BrowserSession s = new BrowserSession(gateway.client(), gateway, "canary.example.com");
      String version = s.navigate("/");
      String cookie = s.cookie();
      seen.add(version);
      for (int k = 0; k < 3; k++) {
        String viaCanaryRoute =
            s.send(
                "/api/items",
                java.util.List.of(
                    "X-Canary", "on", "Sec-Fetch-Mode", "cors", "Sec-Fetch-Dest", "empty"));
        assertEquals(version, viaCanaryRoute, "session " + i + " moved on the header route");
        assertEquals(cookie, s.cookie(), "the pin was not rewritten");
        assertEquals(version, s.load(BrowserSession.Kind.FETCH, "/api/items"));
      }
    }
    assertTrue(seen.contains("blue") && seen.contains("green"), "both versions served: " + seen);
  }
}
