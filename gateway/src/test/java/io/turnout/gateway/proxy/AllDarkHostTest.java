package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.turnout.gateway.testing.BrowserSession;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A host whose versions all have weight 0 (what the controller publishes when every Service of the
 * route says {@code turnout.io/weight: "0"}) serves nobody by accident: 503 to normal traffic,
 * while a preview with its token still reaches a dark version.
 */
class AllDarkHostTest {
  private static final String HOST = "dark.example.com";

  @Test
  void allDarkAnswers503AndOnlyThePreviewWithItsTokenReachesAVersion() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        TestUpstream green = TestUpstream.start("green");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                preview: { token: qa-token }
                hosts:
                  - host: %s
                    routes:
                      - path: /
                        versions:
                          - {name: blue, weight: 0, endpoints: ["%s"]}
                          - {name: green, weight: 0, endpoints: ["%s"]}
                """
                    .formatted(HOST, blue.endpoint(), green.endpoint()))) {
      BrowserSession visitor = new BrowserSession(gw.client(), gw, HOST);
      visitor.navigate("/");
      assertEquals(503, visitor.lastStatus(), "a navigation");
      visitor.load(BrowserSession.Kind.FETCH, "/api");
      assertEquals(503, visitor.lastStatus(), "a sub-request");
      visitor.send("/", List.of("X-Turnout-Version", "green"));
      assertEquals(503, visitor.lastStatus(), "the preview header without the token");
      visitor.send("/", List.of("X-Turnout-Version", "green", "X-Turnout-Token", "wrong"));
      assertEquals(503, visitor.lastStatus(), "a wrong token");

      BrowserSession qa = new BrowserSession(gw.client(), gw, HOST);
      assertEquals(
          "green",
          qa.send("/", List.of("X-Turnout-Version", "green", "X-Turnout-Token", "qa-token")));
      assertEquals(200, qa.lastStatus());
      assertEquals(
          "blue",
          qa.send("/", List.of("X-Turnout-Version", "blue", "X-Turnout-Token", "qa-token")));
      // The pin the preview set does not open the dark version to a request without the token.
      qa.load(BrowserSession.Kind.FETCH, "/api");
      assertEquals(503, qa.lastStatus(), "a dark pin without the token");
    }
  }
}
