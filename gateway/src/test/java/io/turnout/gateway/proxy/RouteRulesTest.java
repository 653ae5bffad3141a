package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Route rules end to end, over real sockets, with the semantics of the Gateway API conformance
 * cases for matching (exact path, prefix, header, query parameter, method, precedence across
 * routes), header modifiers, rewrites and redirects. Each upstream answers with its name as body.
 */
class RouteRulesTest {
  static final String HOST = "rules.example.com";
  static final List<String> NAMES =
      List.of(
          "root",
          "exact-one",
          "exact-two",
          "api",
          "api-get",
          "two",
          "two-orange",
          "regex",
          "whale",
          "whale-blue",
          "post",
          "echo");
  static final java.util.Map<String, TestUpstream> up = new java.util.HashMap<>();
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    for (String n : NAMES) {
      up.put(n, TestUpstream.start(n));
    }
    gateway = GatewayFixture.start(config());
  }

  private static String v(String name) {
    return "versions: [{name: v1, weight: 1, endpoints: [\"" + up.get(name).endpoint() + "\"]}]";
  }

  private static String config() {
    return """
        hosts:
          - host: rules.example.com
            routes:
              - path: /
                %s
              - path: /one
                pathType: Exact
                %s
              - path: /two
                pathType: Exact
                %s
              - path: /api
                %s
              - path: /api
                method: GET
                %s
              - path: /
                headers: [{name: Version, value: two}]
                %s
              - path: /
                headers: [{name: version, value: two}, {name: color, value: orange}]
                %s
              - path: /
                headers: [{name: x-build, type: RegularExpression, value: "v[0-9]+"}]
                %s
              - path: /
                queryParams: [{name: animal, value: whale}]
                %s
              - path: /
                queryParams: [{name: animal, value: whale}, {name: color, value: blue}]
                %s
              - path: /
                method: POST
                %s
              - path: /headers
                filters:
                  - type: RequestHeaderModifier
                    requestHeaderModifier:
                      set: [{name: X-Header-Set, value: set-overwrites-values}]
                      add: [{name: X-Header-Add, value: add-appends-values}]
                      remove: [X-Header-Remove]
                  - type: ResponseHeaderModifier
                    responseHeaderModifier:
                      set: [{name: X-Resp-Set, value: resp-set}]
                      add: [{name: X-Resp-Add, value: resp-add}]
                      remove: [X-Served-By]
                %s
              - path: /prefix
                filters:
                  - type: URLRewrite
                    urlRewrite:
                      hostname: internal.example.net
                      path: {type: ReplacePrefixMatch, replacePrefixMatch: /one}
                %s
              - path: /full
                filters:
                  - type: URLRewrite
                    urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /one}}
                %s
              - path: /hostname-redirect
                filters:
                  - type: RequestRedirect
                    requestRedirect: {hostname: example.org}
              - path: /status-code-301
                filters:
                  - type: RequestRedirect
                    requestRedirect: {hostname: example.org, statusCode: 301}
              - path: /scheme-redirect
                filters:
                  - type: RequestRedirect
                    requestRedirect: {scheme: https}
              - path: /port-redirect
                filters:
                  - type: RequestRedirect
                    requestRedirect: {port: 8083}
              - path: /path-prefix-redirect
                filters:
                  - type: RequestRedirect
                    requestRedirect:
                      path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement-prefix}
              - path: /full-path-redirect
                filters:
                  - type: RequestRedirect
                    requestRedirect: {path: {type: ReplaceFullPath, replaceFullPath: /full-path-replacement}}
        """
        .formatted(
            v("root"),
            v("exact-one"),
            v("exact-two"),
            v("api"),
            v("api-get"),
            v("two"),
            v("two-orange"),
            v("regex"),
            v("whale"),
            v("whale-blue"),
            v("post"),
            v("echo"),
            v("echo"),
            v("echo"));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    up.values().forEach(TestUpstream::close);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return gateway.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String servedBy(HttpRequest.Builder b) throws Exception {
    HttpResponse<String> res = send(b);
    assertEquals(200, res.statusCode(), res.body());
    return res.body();
  }

  private static HttpRequest.Builder get(String path) {
    return gateway.request(HOST, path);
  }

  @Test
  void exactPathMatchesOnlyThatPath() throws Exception {
    assertEquals("exact-one", servedBy(get("/one")));
    assertEquals("exact-one", servedBy(get("/one?x=1")));
    assertEquals("exact-two", servedBy(get("/two")));
    assertEquals("root", servedBy(get("/one/example")));
    assertEquals("root", servedBy(get("/one/")));
    assertEquals("root", servedBy(get("/onex")));
  }

  @Test
  void longestPrefixBeatsMethodAndMethodBeatsNone() throws Exception {
    assertEquals("api-get", servedBy(get("/api/cart")));
    assertEquals("api", servedBy(get("/api/cart").method("DELETE", noBody())));
    assertEquals("post", servedBy(get("/other").POST(noBody())));
    // A longer prefix without a method condition wins over "/" with POST.
    assertEquals("api", servedBy(get("/api").POST(noBody())));
  }

  @Test
  void headerMatchesNameCaseInsensitivelyValueExactly() throws Exception {
    assertEquals("two", servedBy(get("/").header("VERSION", "two")));
    assertEquals("root", servedBy(get("/").header("version", "TWO")));
    assertEquals(
        "two-orange", servedBy(get("/").header("version", "two").header("color", "orange")));
    assertEquals("two", servedBy(get("/").header("version", "two").header("color", "blue")));
    assertEquals("root", servedBy(get("/").header("color", "orange")));
  }

  @Test
  void headerRegularExpressionMatchesTheWholeValue() throws Exception {
    assertEquals("regex", servedBy(get("/").header("x-build", "v42")));
    assertEquals("root", servedBy(get("/").header("x-build", "v42-beta")));
  }

  @Test
  void queryParamsMatchAndTheMostSpecificWins() throws Exception {
    assertEquals("whale", servedBy(get("/?animal=whale")));
    assertEquals("whale-blue", servedBy(get("/?animal=whale&color=blue")));
    assertEquals("whale-blue", servedBy(get("/?color=blue&animal=whale")));
    assertEquals("root", servedBy(get("/?animal=dolphin")));
    assertEquals("root", servedBy(get("/?ANIMAL=whale")));
    // Only the first occurrence counts.
    assertEquals("root", servedBy(get("/?animal=dolphin&animal=whale")));
  }

  @Test
  void headerMatchesOutrankQueryMatches() throws Exception {
    assertEquals("two", servedBy(get("/?animal=whale").header("version", "two")));
  }

  @Test
  void requestHeaderModifierSetsAddsRemoves() throws Exception {
    TestUpstream echo = up.get("echo");
    HttpResponse<String> res =
        send(
            get("/headers")
                .header("X-Header-Set", "some-other-value")
                .header("X-Header-Add", "add-val-x")
                .header("X-Header-Remove", "gone"));
    assertEquals(200, res.statusCode());
    var seen = echo.lastHeaders();
    assertEquals(List.of("set-overwrites-values"), seen.getAll("x-header-set"));
    assertEquals(List.of("add-val-x", "add-appends-values"), seen.getAll("x-header-add"));
    assertFalse(seen.contains("x-header-remove"));
    assertEquals(HOST, seen.get("host"), "the upstream still gets the client's Host");
  }

  @Test
  void responseHeaderModifierEditsTheUpstreamHead() throws Exception {
    HttpResponse<String> res = send(get("/headers"));
    assertEquals("echo", res.body());
    assertEquals("resp-set", res.headers().firstValue("x-resp-set").orElse(null));
    assertEquals("resp-add", res.headers().firstValue("x-resp-add").orElse(null));
    assertTrue(res.headers().firstValue("x-served-by").isEmpty(), res.headers().toString());
  }

  @Test
  void urlRewriteReplacesPrefixAndHostForTheUpstreamOnly() throws Exception {
    TestUpstream echo = up.get("echo");
    assertEquals("echo", servedBy(get("/prefix/three?q=1")));
    assertEquals("/one/three?q=1", echo.lastUri());
    assertEquals("internal.example.net", echo.lastHeaders().get("host"));
    assertEquals("echo", servedBy(get("/prefix")));
    assertEquals("/one", echo.lastUri());
    assertEquals("echo", servedBy(get("/full/anything")));
    assertEquals("/one", echo.lastUri());
    assertEquals(HOST, echo.lastHeaders().get("host"));
  }

  @Test
  void redirectsAreAnsweredByTheGateway() throws Exception {
    assertRedirect("/hostname-redirect", 302, "http://example.org/hostname-redirect");
    assertRedirect("/status-code-301", 301, "http://example.org/status-code-301");
    assertRedirect("/scheme-redirect", 302, "https://" + HOST + "/scheme-redirect");
    assertRedirect("/port-redirect", 302, "http://" + HOST + ":8083/port-redirect");
    assertRedirect(
        "/path-prefix-redirect/one?x=y", 302, "http://" + HOST + "/replacement-prefix/one?x=y");
    assertRedirect("/full-path-redirect/x", 302, "http://" + HOST + "/full-path-replacement");
    // The port the client used is kept when nothing overrides it.
    HttpResponse<String> res =
        gateway
            .client()
            .send(
                gateway.request(HOST + ":8080", "/hostname-redirect").build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals("http://example.org:8080/hostname-redirect", location(res));
  }

  @Test
  void aRedirectIsCountedLikeTheGatewaysOtherAnswers() throws Exception {
    double before = redirects301();
    assertRedirect("/status-code-301", 301, "http://example.org/status-code-301");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(() -> redirects301() >= before + 1);
  }

  private static double redirects301() throws Exception {
    double sum = 0;
    for (String line : gateway.admin("/metrics").split("\n")) {
      if (line.startsWith("turnout_requests_total{")
          && line.contains("code=\"301\"")
          && line.contains("host=\"" + HOST + "\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private static void assertRedirect(String path, int status, String location) throws Exception {
    HttpResponse<String> res = send(get(path));
    assertEquals(status, res.statusCode(), path + " -> " + res.body());
    assertEquals(location, location(res), path);
    assertEquals("", res.body());
  }

  private static String location(HttpResponse<String> res) {
    return res.headers().firstValue("location").orElse(null);
  }

  @Test
  void noUpstreamSeesARedirectedRequest() throws Exception {
    int before = up.values().stream().mapToInt(TestUpstream::requestsReceived).sum();
    assertRedirect("/scheme-redirect", 302, "https://" + HOST + "/scheme-redirect");
    assertEquals(before, up.values().stream().mapToInt(TestUpstream::requestsReceived).sum());
  }

  private static HttpRequest.BodyPublisher noBody() {
    return HttpRequest.BodyPublishers.noBody();
  }
}
