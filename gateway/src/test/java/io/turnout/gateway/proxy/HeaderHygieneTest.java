package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpHeaders;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.TestUpstream;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the upstream sees of a client's headers, and what the client sees of a preview answer, over
 * raw sockets: requests no browser sends, but any attacker can.
 */
class HeaderHygieneTest {
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
            preview: { tokenHeader: X-QA-Key, token: qa-token }
            trustedProxies: ["127.0.0.1/32"]
            hosts:
              - host: shop.example.com
                routes:
                  - path: /
                    versions:
                      - {name: blue, weight: 1, endpoints: ["%s"]}
                      - {name: green, weight: 0, endpoints: ["%s"]}
              - host: "*"
                routes: [{path: /, versions: [{name: blue, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(blue.endpoint(), green.endpoint(), blue.endpoint()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    blue.close();
    green.close();
  }

  private static RawHttp.Exchange send(String request) {
    return RawHttp.exchange(gateway.httpPort(), request, 20_000);
  }

  @Test
  void connectionNominationsCannotStripHostForwardedHeadersOrTheRequestId() {
    RawHttp.Exchange ex =
        send(
            "GET /any HTTP/1.1\r\n"
                + "Host: shop.example.com\r\n"
                + "X-Forwarded-For: 203.0.113.7\r\n"
                + "X-Forwarded-Proto: https\r\n"
                + "X-Forwarded-Host: www.example.com\r\n"
                + "X-Request-Id: req-42\r\n"
                + "X-Secret-Hop: drop-me\r\n"
                + "Connection: close, Host, x-forwarded-for, X-Forwarded-Proto\r\n"
                + "Connection: x-forwarded-host, x-request-id, content-length, x-secret-hop\r\n"
                + "\r\n");
    assertEquals(200, ex.status(), ex.response());
    HttpHeaders seen = blue.lastHeaders();
    assertEquals(List.of("shop.example.com"), seen.getAll("Host"));
    // The client is a trusted hop here: its chain is extended, its proto and host kept.
    assertEquals(List.of("203.0.113.7, 127.0.0.1"), seen.getAll("X-Forwarded-For"));
    assertEquals(List.of("https"), seen.getAll("X-Forwarded-Proto"));
    assertEquals(List.of("www.example.com"), seen.getAll("X-Forwarded-Host"));
    assertEquals(List.of("req-42"), seen.getAll("X-Request-Id"));
    // Nominations that name an ordinary header still work, and Connection itself stays here.
    assertNull(seen.get("X-Secret-Hop"));
    assertNull(seen.get("Connection"));
  }

  @Test
  void anHttp10RequestWithoutHostReachesTheUpstreamWithExactlyOneHost() {
    RawHttp.Exchange ex = send("GET /any HTTP/1.0\r\nConnection: host\r\n\r\n");
    assertEquals(200, ex.status(), ex.response());
    assertEquals(List.of(""), blue.lastHeaders().getAll("Host"));
  }

  @Test
  void thePreviewTokenHeaderNamedInTheSettingsNeverReachesTheUpstream() {
    RawHttp.Exchange ex =
        send(
            "GET /any HTTP/1.1\r\nHost: shop.example.com\r\n"
                + "X-Turnout-Version: green\r\nX-QA-Key: qa-token\r\nConnection: close\r\n\r\n");
    assertEquals(200, ex.status(), ex.response());
    assertEquals("green", ex.body(), "the token unlocked the dark version");
    assertNull(green.lastHeaders().get("X-QA-Key"));
    assertEquals("green", green.lastHeaders().get("X-Turnout-Version"));
  }

  @Test
  void anAnswerChosenByThePreviewHeaderIsPrivateToTheBrowser() {
    RawHttp.Exchange preview =
        send(
            "GET /any HTTP/1.1\r\nHost: shop.example.com\r\n"
                + "X-Turnout-Version: green\r\nX-QA-Key: qa-token\r\nConnection: close\r\n\r\n");
    assertTrue(preview.head().toLowerCase().contains("\r\ncache-control: private"), preview.head());
    RawHttp.Exchange normal =
        send("GET /any HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n");
    assertEquals("blue", normal.body());
    assertFalse(normal.head().toLowerCase().contains("cache-control"), normal.head());
  }

  @Test
  void headerNamesWithAnUnderscoreAreDroppedByDefault() {
    RawHttp.Exchange ex =
        send(
            "GET /any HTTP/1.1\r\nHost: other.example.com\r\n"
                + "X_Forwarded_For: 10.0.0.1\r\nX-Plain: kept\r\nConnection: close\r\n\r\n");
    assertEquals(200, ex.status(), ex.response());
    HttpHeaders seen = blue.lastHeaders();
    assertNull(seen.get("X_Forwarded_For"));
    assertEquals("kept", seen.get("X-Plain"));
    assertEquals("127.0.0.1", seen.get("X-Forwarded-For"));
  }

  @Test
  void headerNamesWithAnUnderscoreAreKeptWhenAllowed() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                limits: { allowUnderscoresInHeaders: true }
                hosts:
                  - host: "*"
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(app.endpoint()))) {
      RawHttp.Exchange ex =
          RawHttp.exchange(
              gw.httpPort(),
              "GET /any HTTP/1.1\r\nHost: x\r\nX_Legacy_Auth: yes\r\nConnection: close\r\n\r\n",
              20_000);
      assertEquals(200, ex.status(), ex.response());
      assertEquals("yes", app.lastHeaders().get("X_Legacy_Auth"));
    }
  }
}
