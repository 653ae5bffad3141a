package io.turnout.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * One simulated browser tab: a cookie jar of one cookie (the pin) and the request headers a
 * Chromium-family browser sends for each kind of request. Every request goes to the gateway
 * fixture; the {@link TestUpstream} behind it answers with its version name, which the methods
 * return.
 *
 * <p>Not thread-safe: one session per thread.
 */
public final class BrowserSession {
  /** What the page loads after it arrived. */
  public enum Kind {
    FETCH("cors", "empty", "*/*"),
    SCRIPT("no-cors", "script", "*/*"),
    STYLE("no-cors", "style", "text/css,*/*;q=0.1"),
    IMAGE("no-cors", "image", "image/avif,image/webp,*/*;q=0.8"),
    IFRAME("navigate", "iframe", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");

    final String mode;
    final String dest;
    final String accept;

    Kind(String mode, String dest, String accept) {
      this.mode = mode;
      this.dest = dest;
      this.accept = accept;
    }
  }

  private final HttpClient client;
  private final GatewayFixture gateway;
  private final String host;
  private String cookie;
  private int lastStatus;

  public BrowserSession(HttpClient client, GatewayFixture gateway, String host) {
    this.client = client;
    this.gateway = gateway;
    this.host = host;
  }

  /** A top-level navigation (typing the URL, a link, a reload). Returns the serving version. */
  public String navigate(String path) throws IOException, InterruptedException {
    return send(
        path,
        List.of(
            "Sec-Fetch-Mode", "navigate",
            "Sec-Fetch-Dest", "document",
            "Sec-Fetch-Site", "none",
            "Sec-Fetch-User", "?1",
            "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  }

  /** A subresource or API call the page makes. Returns the serving version. */
  public String load(Kind kind, String path) throws IOException, InterruptedException {
    return send(
        path,
        List.of(
            "Sec-Fetch-Mode", kind.mode,
            "Sec-Fetch-Dest", kind.dest,
            "Sec-Fetch-Site", "same-origin",
            "Accept", kind.accept));
  }

  /** Sends with arbitrary extra headers (preview header, token). Returns the body. */
  public String send(String path, List<String> headerPairs)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpPort() + path))
            .timeout(Duration.ofSeconds(20))
            .header("Host", host);
    for (int i = 0; i < headerPairs.size(); i += 2) {
      b.header(headerPairs.get(i), headerPairs.get(i + 1));
    }
    if (cookie != null) {
      b.header("Cookie", "theme=dark; " + cookie + "; other=1");
    }
    HttpResponse<String> res = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    lastStatus = res.statusCode();
    for (String setCookie : res.headers().allValues("set-cookie")) {
      int semi = setCookie.indexOf(';');
      cookie = semi < 0 ? setCookie : setCookie.substring(0, semi);
    }
    return res.body();
  }

  public String cookie() {
    return cookie;
  }

  public void cookie(String value) {
    this.cookie = value;
  }

  public int lastStatus() {
    return lastStatus;
  }
}
