package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.turnout.bench.jmh.JmhBase;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The header rewrite of one exchange ({@code HeaderRewriter}): a browser's request made ready for
 * the upstream (hop-by-hop headers out, {@code X-Forwarded-*} and {@code X-Request-Id} in), and an
 * app's response made ready for the client. Each operation starts from a fresh copy of the message,
 * as the codec hands the gateway a new one per request; {@code copyOnly} is that copy alone, to
 * subtract. Lives in the gateway's package because the rewriter is package-private.
 */
@State(Scope.Thread)
public class HeaderRewriteBenchmark extends JmhBase {
  private HttpHeaders requestHeaders;
  private HttpHeaders responseHeaders;

  @Setup
  public void setup() {
    requestHeaders = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    requestHeaders
        .add("Host", "shop.example.com")
        .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0")
        .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .add("Accept-Encoding", "gzip, deflate, br")
        .add("Accept-Language", "en-GB,en;q=0.9")
        .add("Cookie", "_ga=GA1.2.1234567890.1700000000; turnout=2.4711.green.abc; theme=dark")
        .add("Sec-Fetch-Mode", "navigate")
        .add("Sec-Fetch-Dest", "document");
    responseHeaders = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    responseHeaders
        .add("Content-Type", "text/html; charset=utf-8")
        .add("Content-Length", "5123")
        .add("Cache-Control", "no-cache")
        .add("ETag", "\"5f3a-1c2b\"")
        .add("Date", "Mon, 30 Nov 2026 10:00:00 GMT")
        .add("X-Version", "green");
  }

  private HttpRequest freshRequest() {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/cart");
    req.headers().set(requestHeaders);
    return req;
  }

  private HttpResponse freshResponse() {
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().set(responseHeaders);
    return res;
  }

  @Benchmark
  public Object copyOnly() {
    freshResponse();
    return freshRequest();
  }

  @Benchmark
  public Object rewriteBothWays() {
    HttpRequest req = freshRequest();
    HeaderRewriter.toUpstream(req, "10.1.2.3", false, false, false, "x-turnout-preview");
    HttpResponse res = freshResponse();
    HeaderRewriter.toClient(res, true, false, false);
    return res;
  }
}
