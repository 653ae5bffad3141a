package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.ServerSocket;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retries and outlier ejection against real failures on loopback: refused connects, a crashed
 * endpoint, and an upstream that drops pooled connections just as they are reused.
 */
class PassiveHealthAndRetryTest {
  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String twoVersions(String settings, String v1Endpoints, String v2Endpoints) {
    return settings
        + """

        hosts:
          - host: "*"
            routes:
              - path: /
                versions:
                  - {name: v1, weight: 1, endpoints: [%s]}
                  - {name: v2, weight: 0, endpoints: [%s]}
        """
            .formatted(v1Endpoints, v2Endpoints);
  }

  @Test
  void refusedConnectIsRetriedOnAnotherEndpointOfTheSameVersionAndThenEjected() throws Exception {
    int dead = freePort();
    try (TestUpstream a = TestUpstream.start("v1-a");
        TestUpstream other = TestUpstream.start("v2");
        GatewayFixture gw =
            GatewayFixture.start(
                twoVersions(
                    "upstream: { ejectAfter: 2, ejectionTime: 1m }",
                    "\"127.0.0.1:%d\", \"%s\"".formatted(dead, a.endpoint()),
                    "\"" + other.endpoint() + "\""))) {
      for (int i = 0; i < 40; i++) {
        HttpResponse<String> res = gw.get("shop", "/any");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("v1-a", res.body(), "a retry left its version");
      }
      assertEquals(0, other.requestsReceived());
      assertEquals(1, gw.metric("turnout_endpoint_ejections_total"));
      double retries = gw.metric("turnout_upstream_retries_total");
      assertTrue(retries >= 2 && retries <= 3, retries + " retries");
      for (int i = 0; i < 20; i++) {
        assertEquals(200, gw.get("shop", "/any").statusCode());
      }
      assertEquals(retries, gw.metric("turnout_upstream_retries_total"), "ejected, yet tried");
    }
  }

  @Test
  void whenEveryEndpointIsEjectedTheyAreTriedAnyway() throws Exception {
    int port = freePort();
    try (GatewayFixture gw =
        GatewayFixture.start(
            twoVersions(
                "upstream: { ejectAfter: 1, ejectionTime: 10m }",
                "\"127.0.0.1:" + port + "\"",
                "\"127.0.0.1:" + port + "\""))) {
      HttpResponse<String> down = gw.get("shop", "/any");
      assertEquals(502, down.statusCode(), down.body());
      assertEquals(1, gw.metric("turnout_endpoint_ejections_total"));
      // Back long before its ten-minute ejection ends: the only endpoint is still tried.
      try (TestUpstream back = TestUpstream.start("back", port)) {
        HttpResponse<String> up = gw.get("shop", "/any");
        assertEquals(200, up.statusCode(), up.body());
        assertEquals("back", up.body());
      }
    }
  }

  @Test
  void aGetWhosePooledConnectionDropsOnReuseIsRetried() throws Exception {
    try (TestUpstream flaky = TestUpstream.startOneRequestPerConnection("flaky");
        GatewayFixture gw =
            GatewayFixture.start(twoVersions("", "\"" + flaky.endpoint() + "\"", ""))) {
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> res = gw.get("shop", "/any");
        assertEquals(200, res.statusCode(), "request " + i + ": " + res.body());
      }
      assertEquals(20, flaky.requestsReceived());
      assertTrue(gw.metric("turnout_upstream_retries_total") >= 10);
      assertEquals(0, gw.metric("turnout_endpoint_ejections_total"), "a stale connection ejected");
    }
  }

  /**
   * The upstream may have acted on a request before the connection died, reused or not: a
   * non-idempotent request, or one with a body, is answered 502 rather than sent twice.
   */
  @Test
  void aPostOrARequestWithABodyIsNeverResentWhenAReusedConnectionDrops() throws Exception {
    try (TestUpstream flaky = TestUpstream.startOneRequestPerConnection("flaky");
        GatewayFixture gw =
            GatewayFixture.start(twoVersions("", "\"" + flaky.endpoint() + "\"", ""))) {
      List<java.net.http.HttpRequest> unsafe =
          List.of(
              gw.request("shop", "/any").POST(BodyPublishers.noBody()).build(),
              gw.request("shop", "/any").method("PATCH", BodyPublishers.noBody()).build(),
              gw.request("shop", "/upload").PUT(BodyPublishers.ofString("payload")).build());
      for (java.net.http.HttpRequest req : unsafe) {
        // A GET on a fresh connection leaves it pooled; the next request reuses it and the
        // upstream closes it on arrival, exactly as an upstream's idle close racing a reuse.
        assertEquals(200, gw.get("shop", "/any").statusCode());
        int before = flaky.requestsReceived();
        HttpResponse<String> res = gw.client().send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(502, res.statusCode(), req.method() + ": " + res.body());
        assertEquals(before, flaky.requestsReceived(), req.method() + " was sent again");
      }
      assertEquals(0, gw.metric("turnout_upstream_retries_total"));
    }
  }

  @Test
  void requestWhoseBodyWentUpIsNeverRetried() throws Exception {
    try (TestUpstream flaky = TestUpstream.startOneRequestPerConnection("flaky");
        GatewayFixture gw =
            GatewayFixture.start(twoVersions("", "\"" + flaky.endpoint() + "\"", ""))) {
      assertEquals(200, gw.get("shop", "/any").statusCode()); // leaves a pooled connection
      HttpResponse<String> res =
          gw.client()
              .send(
                  gw.request("shop", "/upload").POST(BodyPublishers.ofString("payload")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(502, res.statusCode(), res.body());
      assertEquals(0, gw.metric("turnout_upstream_retries_total"));
    }
  }

  @Test
  void retriesStopWhenTheBudgetIsSpent() throws Exception {
    int dead = freePort();
    try (TestUpstream a = TestUpstream.start("a");
        GatewayFixture gw =
            GatewayFixture.start(
                twoVersions(
                    "upstream: { ejectAfter: 0, retryBudget: 0.1 }",
                    "\"127.0.0.1:%d\", \"%s\"".formatted(dead, a.endpoint()),
                    "\"" + a.endpoint() + "\""))) {
      int failed = 0;
      int n = 300;
      for (int i = 0; i < n; i++) {
        if (gw.get("shop", "/any").statusCode() != 200) {
          failed++;
        }
      }
      double retries = gw.metric("turnout_upstream_retries_total");
      System.out.printf(
          "cost: 1 of 2 endpoints refusing, ejection off, retryBudget 0.1: %d of %d requests"
              + " failed, %.0f retries%n",
          failed, n, retries);
      // A reserve of 20, then one retry per ten requests.
      assertTrue(retries <= 20 + n * 0.1 + 1, retries + " retries");
      assertTrue(failed > 0, "a spent budget still retried everything");
    }
  }

  @Test
  void zeroRetryBudgetNeverRetries() throws Exception {
    int dead1 = freePort();
    int dead2 = freePort();
    try (GatewayFixture gw =
        GatewayFixture.start(
            twoVersions(
                "upstream: { retryBudget: 0 }",
                "\"127.0.0.1:%d\", \"127.0.0.1:%d\"".formatted(dead1, dead2),
                ""))) {
      assertEquals(502, gw.get("shop", "/any").statusCode());
      assertEquals(0, gw.metric("turnout_upstream_retries_total"));
    }
  }
}
