package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The header rewrite each way, one header at a time, in the cases a name can be written. */
class HeaderRewriterTest {
  private static final String TOKEN_HEADER = "X-Turnout-Preview";

  private static HttpRequest request(String... nameValues) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
    for (int i = 0; i < nameValues.length; i += 2) {
      req.headers().add(nameValues[i], nameValues[i + 1]);
    }
    return req;
  }

  private static HttpHeaders toUpstream(HttpRequest req, boolean trustedHop) {
    HeaderRewriter.toUpstream(req, "10.0.0.9", trustedHop, false, false, TOKEN_HEADER);
    return req.headers();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Keep-Alive",
        "keep-alive",
        "Proxy-Connection",
        "PROXY-AUTHENTICATE",
        "Proxy-Authorization",
        "TE",
        "te",
        "Trailer",
        "Upgrade",
        "Expect",
        "X-Turnout-Preview",
        "x-turnout-preview"
      })
  void aHeaderThatStaysOnItsHopNeverReachesTheUpstream(String name) {
    HttpHeaders h = toUpstream(request("Host", "shop", name, "x", "Accept", "*/*"), false);
    assertFalse(h.contains(name), name + " reached the upstream: " + h);
    assertEquals("*/*", h.get("Accept"));
    assertEquals("shop", h.get("Host"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Keep-Alive", "Proxy-Connection", "Te", "Trailer", "Upgrade"})
  void aHeaderThatStaysOnItsHopNeverReachesTheClient(String name) {
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().add(name, "x").add("Content-Type", "text/plain");
    HeaderRewriter.toClient(res, true, false, false);
    assertFalse(res.headers().contains(name), name + " reached the client");
    assertEquals("text/plain", res.headers().get("Content-Type"));
  }

  @Test
  void headersOfTheSameLengthAsAHopByHopNameAreKept() {
    // 2, 7, 10 and 16 characters, like te, upgrade, connection and proxy-connection.
    HttpHeaders h =
        toUpstream(
            request(
                "Host",
                "shop",
                "Ab",
                "1",
                "X-Trace",
                "2",
                "X-Session1",
                "3",
                "X-Forwarded-Hos",
                "4"),
            false);
    for (String kept : List.of("Ab", "X-Trace", "X-Session1", "X-Forwarded-Hos")) {
      assertTrue(h.contains(kept), kept + " was dropped: " + h);
    }
  }

  @Test
  void aConnectionHeaderTakesTheHeadersItNamesWithIt() {
    HttpHeaders h =
        toUpstream(
            request("Host", "shop", "Connection", "X-Hop, close", "X-Hop", "1", "X-Stay", "2"),
            false);
    assertNull(h.get("Connection"));
    assertNull(h.get("X-Hop"));
    assertEquals("2", h.get("X-Stay"));
  }

  @Test
  void forwardedHeadersAreAddedOrExtended() {
    HttpHeaders fresh = toUpstream(request("Host", "shop"), false);
    assertEquals("10.0.0.9", fresh.get("X-Forwarded-For"));
    assertEquals("http", fresh.get("X-Forwarded-Proto"));
    assertEquals("shop", fresh.get("X-Forwarded-Host"));
    assertTrue(fresh.get("X-Request-Id").matches("[0-9a-f]{32}"));

    HttpHeaders chained =
        toUpstream(
            request(
                "Host", "shop",
                "x-forwarded-for", "1.2.3.4",
                "X-FORWARDED-PROTO", "https",
                "X-Forwarded-Host", "public.example",
                "x-request-id", "given"),
            true);
    assertEquals("1.2.3.4, 10.0.0.9", chained.get("X-Forwarded-For"));
    assertEquals("https", chained.get("X-Forwarded-Proto"), "a trusted hop's proto is kept");
    assertEquals("public.example", chained.get("X-Forwarded-Host"), "and its host");
    assertEquals("given", chained.get("X-Request-Id"));

    HttpHeaders untrusted =
        toUpstream(
            request("Host", "shop", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "evil"),
            false);
    assertEquals("http", untrusted.get("X-Forwarded-Proto"), "an untrusted client's is replaced");
    assertEquals("shop", untrusted.get("X-Forwarded-Host"));
  }

  @Test
  void aRequestWithoutHostGetsAnEmptyOne() {
    HttpHeaders h = toUpstream(request("Accept", "*/*"), false);
    assertEquals(List.of(""), h.getAll("Host"));
    assertEquals("", h.get("X-Forwarded-Host"));
  }
}
