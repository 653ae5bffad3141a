package io.turnout.gateway.routing.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.turnout.gateway.snapshot.HeaderModifierSpec;
import io.turnout.gateway.snapshot.HeaderValueSpec;
import io.turnout.gateway.snapshot.PathModifierSpec;
import io.turnout.gateway.snapshot.RedirectSpec;
import io.turnout.gateway.snapshot.RouteFilterSpec;
import io.turnout.gateway.snapshot.UrlRewriteSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteFiltersTest {
  @Test
  void noFiltersIsTheSharedEmptySet() {
    assertSame(RouteFilters.NONE, RouteFilters.compile(List.of(), "/"));
    assertNull(RouteFilters.NONE.redirect());
  }

  @Test
  void headerEditsRemoveThenSetThenAdd() {
    HeaderModifierSpec spec =
        new HeaderModifierSpec(
            List.of(new HeaderValueSpec("X-Set", "new")),
            List.of(new HeaderValueSpec("X-Add", "more")),
            List.of("X-Gone", "X-Set"));
    HttpRequest req = request("/");
    req.headers().add("x-set", "old").add("x-add", "first").add("x-gone", "1");
    new RequestHeaderModifier(spec).apply(req);
    assertEquals(List.of("new"), req.headers().getAll("x-set"));
    assertEquals(List.of("first", "more"), req.headers().getAll("x-add"));
    assertNull(req.headers().get("x-gone"));

    HttpHeaders res = new DefaultHttpHeaders().add("X-Gone", "1");
    new ResponseHeaderModifier(spec).apply(res);
    assertNull(res.get("x-gone"));
    assertEquals("new", res.get("x-set"));
  }

  @Test
  void replacePrefixMatchFollowsTheGatewayApiTable() {
    // (request path, route prefix, replacement) -> result
    String[][] cases = {
      {"/foo/bar", "/foo", "/xyz", "/xyz/bar"},
      {"/foo/bar", "/foo", "/xyz/", "/xyz/bar"},
      {"/foo", "/foo", "/xyz", "/xyz"},
      {"/foo/", "/foo", "/xyz", "/xyz/"},
      {"/foo/bar", "/foo", "", "/bar"},
      {"/foo/", "/foo", "", "/"},
      {"/foo", "/foo", "", "/"},
      {"/foo/", "/foo", "/", "/"},
      {"/foo", "/foo", "/", "/"},
      {"/foo/bar", "/", "/xyz", "/xyz/foo/bar"},
    };
    for (String[] c : cases) {
      PathModifier m =
          PathModifier.of(new PathModifierSpec("ReplacePrefixMatch", null, c[2]), c[1]);
      assertEquals(c[3], m.apply(c[0]), String.join(" ", c));
    }
    PathModifier full = PathModifier.of(new PathModifierSpec("ReplaceFullPath", "/x", null), "/");
    assertEquals("/x?q=1", full.applyToUri("/a/b?q=1"));
  }

  @Test
  void urlRewriteChangesHostAndPathKeepingTheQuery() {
    UrlRewrite r =
        new UrlRewrite(
            new UrlRewriteSpec(
                "internal.example", new PathModifierSpec("ReplacePrefixMatch", null, "/v2")),
            "/api");
    HttpRequest req = request("/api/items?page=2");
    req.headers().set("host", "shop.example.com");
    r.apply(req);
    assertEquals("/v2/items?page=2", req.uri());
    assertEquals("internal.example", req.headers().get("host"));
  }

  @Test
  void redirectLocationFromTheRequestWithReplacements() {
    String uri = "/old/page?x=1";
    assertEquals(
        "http://example.org/old/page?x=1",
        redirect(new RedirectSpec(null, "example.org", null, null, null))
            .location(uri, "shop.test", false));
    assertEquals(
        "https://shop.test/old/page?x=1",
        redirect(new RedirectSpec("https", null, null, null, null))
            .location(uri, "shop.test:8080", false));
    assertEquals(
        "http://shop.test:8080/old/page?x=1",
        redirect(new RedirectSpec("http", null, null, 8080, null))
            .location(uri, "shop.test", true));
    assertEquals(
        "https://shop.test:8443/old/page?x=1",
        redirect(new RedirectSpec(null, null, null, null, null))
            .location(uri, "shop.test:8443", true));
    assertEquals(
        "http://shop.test/new/page?x=1",
        redirect(
                new RedirectSpec(
                    null, null, new PathModifierSpec("ReplacePrefixMatch", null, "/new"), 80, null))
            .location(uri, "shop.test", false));
    assertEquals(
        "http://[::1]:81/old/page?x=1",
        redirect(new RedirectSpec(null, null, null, null, 301)).location(uri, "[::1]:81", false));
    assertEquals(302, redirect(new RedirectSpec(null, null, null, null, null)).statusCode());
  }

  @Test
  void compileKeepsRequestFiltersInOrder() {
    RouteFilters f =
        RouteFilters.compile(
            List.of(
                RouteFilterSpec.rewrite(new UrlRewriteSpec("a.example", null)),
                RouteFilterSpec.requestHeaders(
                    new HeaderModifierSpec(
                        List.of(new HeaderValueSpec("X-Seen-Host", "yes")), null, null))),
            "/");
    HttpRequest req = request("/");
    f.applyToRequest(req);
    assertEquals("a.example", req.headers().get("host"));
    assertEquals("yes", req.headers().get("x-seen-host"));
  }

  private static RequestRedirect redirect(RedirectSpec spec) {
    return new RequestRedirect(spec, "/old");
  }

  private static HttpRequest request(String uri) {
    return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
  }
}
