package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HostAndPathRoutingTest {
  static TestUpstream shop;
  static TestUpstream shopApi;
  static TestUpstream wildcard;
  static TestUpstream deepWildcard;
  static TestUpstream fallback;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    shop = TestUpstream.start("shop");
    shopApi = TestUpstream.start("shop-api");
    wildcard = TestUpstream.start("wildcard");
    deepWildcard = TestUpstream.start("deep-wildcard");
    fallback = TestUpstream.start("fallback");
    gateway = GatewayFixture.start(sharedConfig());
  }

  private static String sharedConfig() {
    return """
        hosts:
          - host: shop.example.com
            routes:
              - path: /
                versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
              - path: /api
                versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
          - host: "*.example.com"
            routes:
              - path: /
                versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
          - host: "*.eu.example.com"
            routes:
              - path: /
                versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
        """
        .formatted(
            shop.endpoint(), shopApi.endpoint(), wildcard.endpoint(), deepWildcard.endpoint());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    for (TestUpstream u : new TestUpstream[] {shop, shopApi, wildcard, deepWildcard, fallback}) {
      u.close();
    }
  }

  private static String servedBy(String host, String path) throws Exception {
    var res = gateway.get(host, path);
    assertEquals(200, res.statusCode(), host + path + " -> " + res.body());
    return res.body();
  }

  @Test
  void exactHostWins() throws Exception {
    assertEquals("shop", servedBy("shop.example.com", "/"));
  }

  @Test
  void hostMatchIgnoresCaseAndPort() throws Exception {
    assertEquals("shop", servedBy("SHOP.Example.COM:8443", "/index.html"));
  }

  @Test
  void longestPathPrefixWinsOnSegmentBoundaries() throws Exception {
    assertEquals("shop-api", servedBy("shop.example.com", "/api"));
    assertEquals("shop-api", servedBy("shop.example.com", "/api/cart?x=1"));
    assertEquals("shop", servedBy("shop.example.com", "/apix"));
  }

  @Test
  void longestWildcardSuffixWins() throws Exception {
    assertEquals("wildcard", servedBy("blog.example.com", "/"));
    assertEquals("deep-wildcard", servedBy("paris.eu.example.com", "/"));
    assertEquals("wildcard", servedBy("eu.example.com", "/"));
  }

  @Test
  void unknownHostGets404FromTheGateway() throws Exception {
    var res = gateway.get("other.org", "/");
    assertEquals(404, res.statusCode());
    assertTrue(res.body().contains("unknown host"), res.body());
    assertEquals("text/plain; charset=utf-8", res.headers().firstValue("content-type").orElse(""));
  }

  @Test
  void catchAllHostTakesWhatNothingElseMatches() throws Exception {
    try (GatewayFixture withCatchAll =
        GatewayFixture.start(
            """
            hosts:
              - host: shop.example.com
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
              - host: "*"
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(shop.endpoint(), fallback.endpoint()))) {
      assertEquals("fallback", withCatchAll.get("other.org", "/").body());
      assertEquals("shop", withCatchAll.get("SHOP.example.com", "/").body());
    }
  }

  @Test
  void forwardedHeadersAreSetAndHopByHopHeadersDropped() throws Exception {
    var res =
        gateway
            .client()
            .send(
                gateway
                    .request("shop.example.com", "/h")
                    .header("Connection", "X-Secret-Hop")
                    .header("X-Secret-Hop", "1")
                    .header("Proxy-Authorization", "Basic abc")
                    .header("X-Request-Id", "given-id")
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode());
    var h = shop.lastHeaders();
    assertEquals("shop.example.com", h.get("Host"));
    assertEquals("127.0.0.1", h.get("X-Forwarded-For"));
    assertEquals("http", h.get("X-Forwarded-Proto"));
    assertEquals("shop.example.com", h.get("X-Forwarded-Host"));
    assertEquals("given-id", h.get("X-Request-Id"));
    assertEquals(null, h.get("X-Secret-Hop"));
    assertEquals(null, h.get("Proxy-Authorization"));
  }

  @Test
  void requestIdIsAddedWhenAbsent() throws Exception {
    servedBy("shop.example.com", "/");
    String id = shop.lastHeaders().get("X-Request-Id");
    assertTrue(id != null && id.matches("[0-9a-f]{32}"), String.valueOf(id));
  }
}
