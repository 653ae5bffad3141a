package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.BrowserSession;
import io.turnout.gateway.testing.BrowserSession.Kind;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The affinity rules of docs/REFERENCE.md, version affinity, one behaviour per test, through a real
 * gateway.
 */
class AffinityRulesTest {
  private static final String HOST = "shop.example.com";
  static TestUpstream blue;
  static TestUpstream green;
  static TestUpstream canary;

  @BeforeAll
  static void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
    canary = TestUpstream.start("canary");
  }

  @AfterAll
  static void stop() {
    blue.close();
    green.close();
    canary.close();
  }

  private static String config(
      String affinity, int blueWeight, int greenWeight, boolean withCanary) {
    return """
        affinity: %s
        preview: { token: qa-token }
        trustedProxies: ["127.0.0.1/32"]
        hosts:
          - host: %s
            routes:
              - path: /
                versions:
                  - {name: blue, weight: %d, endpoints: ["%s"]}
                  - {name: green, weight: %d, endpoints: ["%s"]}
        %s
        """
        .formatted(
            affinity,
            HOST,
            blueWeight,
            blue.endpoint(),
            greenWeight,
            green.endpoint(),
            withCanary
                ? "          - {name: canary, weight: 0, endpoints: [\""
                    + canary.endpoint()
                    + "\"]}"
                : "");
  }

  private static void apply(GatewayFixture gw, String yaml, String expectInSnapshot) {
    gw.writeConfig(yaml);
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> gw.admin("/snapshot").contains(expectInSnapshot));
  }

  /**
   * A tab whose page came from {@code version}, found by opening fresh tabs until one lands there.
   */
  private static BrowserSession tabOn(GatewayFixture gw, String version) throws Exception {
    for (int i = 0; i < 500; i++) {
      BrowserSession tab = new BrowserSession(gw.client(), gw, HOST);
      if (tab.navigate("/").equals(version)) {
        return tab;
      }
    }
    throw new AssertionError("no new tab landed on " + version);
  }

  @Test
  void pinCookieIsHostOnlyHttpOnlyLaxAndSecureBehindTrustedHttps() throws Exception {
    String yaml = config("{ secret: s1, maxAge: 1h }", 50, 50, false);
    try (GatewayFixture gw = GatewayFixture.start(yaml)) {
      HttpResponse<String> res =
          gw.client()
              .send(
                  gw.request(HOST, "/").header("X-Forwarded-Proto", "https").build(),
                  HttpResponse.BodyHandlers.ofString());
      String setCookie = res.headers().firstValue("set-cookie").orElseThrow();
      assertTrue(
          setCookie.matches("turnout=2\\.\\d{1,4}\\.(blue|green)\\.[A-Za-z0-9_-]{22}; .*"),
          setCookie);
      assertTrue(setCookie.contains("; Path=/"), setCookie);
      assertTrue(setCookie.contains("; HttpOnly"), setCookie);
      assertTrue(setCookie.contains("; SameSite=Lax"), setCookie);
      assertTrue(setCookie.contains("; Secure"), setCookie);
      assertTrue(setCookie.contains("; Max-Age=3600"), setCookie);
      assertTrue(!setCookie.contains("Domain="), "host-only: " + setCookie);
      HttpResponse<String> plain = gw.get(HOST, "/");
      assertTrue(!plain.headers().firstValue("set-cookie").orElseThrow().contains("Secure"));
    }
  }

  @Test
  void navigationRepinsButSubRequestsStayWhenWeightsChange() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config("{ secret: s1 }", 100, 0, false))) {
      BrowserSession tab = new BrowserSession(gw.client(), gw, HOST);
      assertEquals("blue", tab.navigate("/"));
      apply(gw, config("{ secret: s1 }", 0, 100, false), "\"name\":\"green\",\"weight\":100");
      for (Kind k : Kind.values()) {
        assertEquals("blue", tab.load(k, "/x"), k + " must stay on the page's version");
      }
      assertEquals("green", tab.navigate("/"), "a navigation moves the tab");
      assertEquals("green", tab.load(Kind.FETCH, "/api"));
      assertTrue(
          gw.metric(
                  "turnout_affinity_repins_total{from=\"blue\",host=\"shop.example.com\",to=\"green\"")
              >= 1);
    }
  }

  @Test
  void repinNeverKeepsTheClientWhileItsVersionServes() throws Exception {
    try (GatewayFixture gw =
        GatewayFixture.start(config("{ secret: s1, repin: never }", 50, 50, false))) {
      BrowserSession tab = tabOn(gw, "blue");
      apply(gw, config("{ secret: s1, repin: never }", 1, 99, false), "\"weight\":99");
      for (int i = 0; i < 20; i++) {
        assertEquals("blue", tab.navigate("/"), "navigation " + i);
      }
      apply(gw, config("{ secret: s1, repin: never }", 0, 100, false), "\"weight\":100");
      assertEquals("blue", tab.load(Kind.FETCH, "/api"), "draining: sub-requests stay");
      assertEquals("green", tab.navigate("/"), "draining: a navigation moves on");
    }
  }

  @Test
  void forgedMalformedAndUnknownKeyCookiesCountAsNewClients() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config("{ secret: s1 }", 100, 0, false))) {
      BrowserSession tab = new BrowserSession(gw.client(), gw, HOST);
      tab.navigate("/");
      String real = tab.cookie();
      String forgedVersion = real.replace(".blue.", ".green.");
      String otherKey;
      try (GatewayFixture other =
          GatewayFixture.start(config("{ secret: another-key }", 0, 100, false))) {
        BrowserSession t2 = new BrowserSession(other.client(), other, HOST);
        t2.navigate("/");
        otherKey = t2.cookie();
      }
      // green has weight 0 and no pin is valid: every request must land on blue, never fail.
      for (String cookie :
          List.of(
              forgedVersion,
              otherKey,
              "turnout=garbage",
              "turnout=",
              "turnout=1.99999.green.x",
              real + "x")) {
        BrowserSession forged = new BrowserSession(gw.client(), gw, HOST);
        forged.cookie(cookie);
        assertEquals("blue", forged.load(Kind.FETCH, "/api"), cookie);
        assertEquals(200, forged.lastStatus());
        assertNotEquals(cookie, forged.cookie(), "a fresh pin replaces " + cookie);
      }
    }
  }

  @Test
  void keyRotationAcceptsOldPinsAndSignsWithTheNewKey() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config("{ secret: old-key }", 50, 50, false))) {
      BrowserSession tab = tabOn(gw, "green");
      String oldCookie = tab.cookie();
      apply(gw, config("{ secrets: [new-key, old-key] }", 100, 0, false), "\"weight\":100");
      assertEquals("green", tab.load(Kind.FETCH, "/api"), "old pin still valid after rotation");
      BrowserSession fresh = new BrowserSession(gw.client(), gw, HOST);
      fresh.navigate("/");
      String newCookie = fresh.cookie();
      apply(gw, config("{ secret: new-key }", 50, 50, false), "\"weight\":50");
      BrowserSession retired = new BrowserSession(gw.client(), gw, HOST);
      retired.cookie(oldCookie);
      retired.load(Kind.FETCH, "/api");
      assertNotEquals(oldCookie, retired.cookie(), "pins signed by a retired key are replaced");
      BrowserSession current = new BrowserSession(gw.client(), gw, HOST);
      current.cookie(newCookie);
      current.load(Kind.FETCH, "/api");
      assertEquals(newCookie, current.cookie(), "pins signed by the new key hold");
    }
  }

  @Test
  void darkVersionIsReachedOnlyWithThePreviewToken() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config("{ secret: s1 }", 90, 10, true))) {
      BrowserSession qa = new BrowserSession(gw.client(), gw, HOST);
      assertNotEquals("canary", qa.send("/", List.of("X-Turnout-Version", "canary")), "no token");
      assertNotEquals(
          "canary",
          qa.send("/", List.of("X-Turnout-Version", "canary", "X-Turnout-Token", "wrong")),
          "wrong token");
      assertEquals(
          "canary",
          qa.send("/", List.of("X-Turnout-Version", "canary", "X-Turnout-Token", "qa-token")));
      String canaryPin = qa.cookie();
      assertTrue(canaryPin.contains(".canary."), canaryPin);
      // A pin to a dark version is honoured only together with the token.
      assertEquals("canary", qa.send("/api", List.of("X-Turnout-Token", "qa-token")));
      BrowserSession stolen = new BrowserSession(gw.client(), gw, HOST);
      stolen.cookie(canaryPin);
      assertNotEquals("canary", stolen.load(Kind.FETCH, "/api"), "dark pin without the token");
      // A serving version needs no token.
      assertEquals("green", qa.send("/", List.of("X-Turnout-Version", "green")));
      assertEquals("green", qa.load(Kind.FETCH, "/api"), "the preview choice is pinned");
    }
  }

  @Test
  void keyHeaderPinsClientsThatSendNoCookie() throws Exception {
    try (GatewayFixture gw =
        GatewayFixture.start(config("{ secret: s1, keyHeader: X-Device-Id }", 50, 50, false))) {
      for (int device = 0; device < 20; device++) {
        String first = null;
        for (int i = 0; i < 10; i++) {
          var res =
              gw.client()
                  .send(
                      gw.request(HOST, "/api").header("X-Device-Id", "device-" + device).build(),
                      HttpResponse.BodyHandlers.ofString());
          if (first == null) {
            first = res.body();
          }
          assertEquals(first, res.body(), "device-" + device + " moved without a cookie");
        }
      }
    }
  }

  @Test
  void versionRemovedFromTheConfigDrainsThenStops() throws Exception {
    String affinity = "{ secret: s1, drainTimeout: 2s }";
    try (GatewayFixture gw = GatewayFixture.start(config(affinity, 100, 0, false))) {
      BrowserSession tab = new BrowserSession(gw.client(), gw, HOST);
      assertEquals("blue", tab.navigate("/"));
      String bluePin = tab.cookie();
      // Blue leaves the file entirely while its pod still answers.
      String greenOnly = config(affinity, 0, 100, false).replaceAll("(?m)^.*name: blue.*\\n", "");
      apply(gw, greenOnly, "\"name\":\"green\",\"weight\":100");
      long removedAt = System.nanoTime();
      assertEquals("blue", tab.load(Kind.SCRIPT, "/app.js"), "a removed version drains");
      assertEquals("green", tab.navigate("/"), "a navigation leaves the draining version");
      Awaitility.await()
          .atMost(Duration.ofSeconds(6))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> System.nanoTime() - removedAt > Duration.ofMillis(2300).toNanos());
      int blueCount = blue.requestsReceived();
      BrowserSession late = new BrowserSession(gw.client(), gw, HOST);
      late.cookie(bluePin);
      for (int i = 0; i < 10; i++) {
        assertEquals("green", late.load(Kind.FETCH, "/api"), "after the drain");
      }
      assertEquals(blueCount, blue.requestsReceived(), "blue got traffic after its drain");
    }
  }

  @Test
  void aHostOverridesTheGlobalAffinitySettings() throws Exception {
    String yaml =
        """
        affinity: { secret: s1, cookie: turnout, repin: navigation }
        hosts:
          - host: shop.example.com
            affinity: { cookie: shop_pin, repin: never, maxAge: 10m }
            routes:
              - path: /
                versions: [{name: blue, weight: 1, endpoints: ["%s"]}]
          - host: blog.example.com
            routes:
              - path: /
                versions: [{name: blue, weight: 1, endpoints: ["%s"]}]
        """
            .formatted(blue.endpoint(), blue.endpoint());
    try (GatewayFixture gw = GatewayFixture.start(yaml)) {
      String shop =
          gw.get("shop.example.com", "/").headers().firstValue("set-cookie").orElseThrow();
      String blog =
          gw.get("blog.example.com", "/").headers().firstValue("set-cookie").orElseThrow();
      assertTrue(shop.startsWith("shop_pin=2."), shop);
      assertTrue(shop.contains("Max-Age=600"), shop);
      assertTrue(blog.startsWith("turnout=2."), blog);
      assertTrue(blog.contains("; Max-Age=604800"), "7 days by default: " + blog);
    }
  }

  @Test
  void thePinCookieLastsSevenDaysByDefaultAndMaxAgeZeroMakesItASessionCookie() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config("{ secret: s1 }", 1, 0, false))) {
      String setCookie = gw.get(HOST, "/").headers().firstValue("set-cookie").orElseThrow();
      assertTrue(setCookie.endsWith("; Max-Age=604800"), setCookie);
    }
    try (GatewayFixture gw =
        GatewayFixture.start(config("{ secret: s1, maxAge: 0s }", 1, 0, false))) {
      String setCookie = gw.get(HOST, "/").headers().firstValue("set-cookie").orElseThrow();
      assertTrue(!setCookie.contains("Max-Age"), setCookie);
    }
  }
}
