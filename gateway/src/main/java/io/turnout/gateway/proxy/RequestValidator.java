package io.turnout.gateway.proxy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * Refuses requests whose meaning is ambiguous before any byte of them reaches an upstream: two hops
 * that could read one message two ways is how request smuggling works (RFC 9112 sections 6.1 and
 * 6.3). Anything refused here is answered and the connection closed.
 */
final class RequestValidator {
  private RequestValidator() {}

  /**
   * @param maxBodySize 0 for no limit
   * @return the rejection, or null when the request may be routed
   */
  static RequestRejection check(HttpRequest req, long maxBodySize) {
    DecoderResult result = req.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        return new RequestRejection(
            HttpResponseStatus.REQUEST_URI_TOO_LONG, "request line too long");
      }
      if (cause instanceof TooLongHttpHeaderException) {
        return new RequestRejection(
            HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request headers too large");
      }
      if (cause instanceof TooLongFrameException) {
        return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "message too large");
      }
      return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "malformed request");
    }
    HttpMethod method = req.method();
    if (HttpMethod.CONNECT.equals(method)) {
      return new RequestRejection(
          HttpResponseStatus.METHOD_NOT_ALLOWED, "CONNECT is not supported");
    }
    HttpHeaders h = req.headers();
    List<String> hosts = h.getAll(HttpHeaderNames.HOST);
    if (hosts.size() > 1) {
      return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "more than one Host header");
    }
    String host = hosts.isEmpty() ? null : hosts.get(0);
    if (host == null && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "missing Host header");
    }
    if (host != null && !validHost(host)) {
      return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "invalid Host header");
    }
    String uri = req.uri();
    if (uri.isEmpty()) {
      return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "empty request target");
    }
    if (uri.charAt(0) != '/') {
      if (uri.equals("*") && HttpMethod.OPTIONS.equals(method)) {
        // server-wide OPTIONS: allowed
      } else if (!absoluteFormMatchesHost(uri, host)) {
        return new RequestRejection(
            HttpResponseStatus.BAD_REQUEST, "absolute-form target does not match Host");
      }
    }
    List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    List<String> cl = h.getAll(HttpHeaderNames.CONTENT_LENGTH);
    if (!te.isEmpty()) {
      if (!cl.isEmpty()) {
        return new RequestRejection(
            HttpResponseStatus.BAD_REQUEST, "both Content-Length and Transfer-Encoding");
      }
      if (te.size() > 1 || !te.get(0).trim().equalsIgnoreCase("chunked")) {
        return new RequestRejection(
            HttpResponseStatus.NOT_IMPLEMENTED, "only Transfer-Encoding: chunked is supported");
      }
      if (req.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
        return new RequestRejection(
            HttpResponseStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
      }
    }
    if (!cl.isEmpty()) {
      if (cl.size() > 1) {
        return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "repeated Content-Length");
      }
      long length = parseContentLength(cl.get(0));
      if (length < 0) {
        return new RequestRejection(HttpResponseStatus.BAD_REQUEST, "invalid Content-Length");
      }
      if (maxBodySize > 0 && length > maxBodySize) {
        return new RequestRejection(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body larger than the limit");
      }
    }
    return null;
  }

  /** Digits only (no sign, no spaces inside, no list), at most 18 of them. */
  static long parseContentLength(String value) {
    String v = value.trim();
    if (v.isEmpty() || v.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** reg-name, IPv4 or [IPv6], with an optional numeric port; no userinfo, path or spaces. */
  static boolean validHost(String host) {
    if (host.isEmpty() || host.length() > 255) {
      return false;
    }
    int i = 0;
    int n = host.length();
    if (host.charAt(0) == '[') {
      int close = host.indexOf(']');
      if (close < 0) {
        return false;
      }
      for (int k = 1; k < close; k++) {
        char c = host.charAt(k);
        if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
          return false;
        }
      }
      i = close + 1;
    } else {
      while (i < n && host.charAt(i) != ':') {
        char c = host.charAt(i);
        boolean ok =
            (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.'
                || c == '_';
        if (!ok) {
          return false;
        }
        i++;
      }
      if (i == 0) {
        return false;
      }
    }
    if (i == n) {
      return true;
    }
    if (host.charAt(i) != ':' || i + 1 == n || n - i - 1 > 5) {
      return false;
    }
    for (int k = i + 1; k < n; k++) {
      if (host.charAt(k) < '0' || host.charAt(k) > '9') {
        return false;
      }
    }
    return true;
  }

  /** {@code http://shop.example.com/x} is fine with {@code Host: shop.example.com}. */
  private static boolean absoluteFormMatchesHost(String uri, String host) {
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd <= 0) {
      return false;
    }
    String scheme = uri.substring(0, schemeEnd);
    if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
      return false;
    }
    int authorityStart = schemeEnd + 3;
    int authorityEnd = authorityStart;
    while (authorityEnd < uri.length() && "/?#".indexOf(uri.charAt(authorityEnd)) < 0) {
      authorityEnd++;
    }
    String authority = uri.substring(authorityStart, authorityEnd);
    return host != null && authority.equalsIgnoreCase(host);
  }

  /** The path part of a request target (origin-form or absolute-form). */
  static String pathOf(String uri) {
    if (uri.isEmpty() || uri.charAt(0) == '/') {
      return uri;
    }
    int schemeEnd = uri.indexOf("://");
    if (schemeEnd < 0) {
      return "/";
    }
    int slash = uri.indexOf('/', schemeEnd + 3);
    return slash < 0 ? "/" : uri.substring(slash);
  }
}
