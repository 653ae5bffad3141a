package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rewrites headers as a message crosses the gateway (RFC 9110 section 7.6.1): hop-by-hop headers
 * stay on their hop; {@code X-Forwarded-*} and {@code X-Request-Id} are added on the way in; the
 * preview token header never leaves the gateway. {@code Transfer-Encoding} is left as is because
 * the gateway re-frames the body itself: Netty's codec chunks exactly when the header says so.
 *
 * <p>A {@code Connection} header may nominate extra hop-by-hop headers, but never one the gateway
 * vouches for ({@link #NEVER_NOMINATED}): {@code Connection: host, x-forwarded-for} would otherwise
 * send the upstream a request with no {@code Host}, or one whose forwarded chain starts at a
 * trusted proxy instead of the client (the "hop-by-hop header abuse" attack). The upstream always
 * gets exactly one {@code Host}: the client's (the validator refuses two), or an empty one for an
 * HTTP/1.0 request that had none (RFC 9112 section 3.2).
 */
final class HeaderRewriter {
  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /**
   * Headers a {@code Connection} nomination cannot remove: the message's framing, its {@code Host},
   * and what the gateway sets or extends for the upstream.
   */
  static final Set<AsciiString> NEVER_NOMINATED =
      Set.of(
          AsciiString.cached("host"),
          AsciiString.cached("content-length"),
          AsciiString.cached("transfer-encoding"),
          X_FORWARDED_FOR,
          X_FORWARDED_PROTO,
          X_FORWARDED_HOST,
          X_REQUEST_ID);

  private HeaderRewriter() {}

  /**
   * Prepares a client request for the upstream.
   *
   * @param clientIp the client's address as text
   * @param trustedHop whether the client is a trusted proxy (its {@code X-Forwarded-Proto/Host} are
   *     kept)
   * @param webSocket whether this is a WebSocket upgrade ({@code Upgrade} and {@code Connection:
   *     upgrade} are then forwarded)
   * @param tokenHeader the preview token header, removed: the token is the gateway's secret, not
   *     the app's
   * @return the request id (existing or new)
   */
  static String toUpstream(
      HttpRequest req,
      String clientIp,
      boolean trustedHop,
      boolean tls,
      boolean webSocket,
      CharSequence tokenHeader) {
    HttpHeaders h = req.headers();
    removeHopByHop(h);
    h.remove(HttpHeaderNames.EXPECT); // the gateway answered 100-continue itself
    h.remove(tokenHeader);
    if (!h.contains(HttpHeaderNames.HOST)) {
      h.set(HttpHeaderNames.HOST, ""); // HTTP/1.0 without Host: the upstream hop is HTTP/1.1
    }
    if (webSocket) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      h.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    } else {
      // HTTP/1.0 clients are upgraded to a persistent 1.1 hop to the upstream.
      req.setProtocolVersion(io.netty.handler.codec.http.HttpVersion.HTTP_1_1);
    }
    String xff = h.get(X_FORWARDED_FOR);
    h.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
    if (tls) {
      h.set(X_FORWARDED_PROTO, "https");
    } else if (!trustedHop || !h.contains(X_FORWARDED_PROTO)) {
      h.set(X_FORWARDED_PROTO, "http");
    }
    if (!trustedHop || !h.contains(X_FORWARDED_HOST)) {
      String host = h.get(HttpHeaderNames.HOST);
      if (host != null) {
        h.set(X_FORWARDED_HOST, host);
      } else {
        h.remove(X_FORWARDED_HOST);
      }
    }
    String id = h.get(X_REQUEST_ID);
    if (id == null || id.isEmpty() || id.length() > 200) {
      id = newRequestId();
      h.set(X_REQUEST_ID, id);
    }
    return id;
  }

  /**
   * Prepares an upstream response for the client.
   *
   * @param keepAlive whether the client connection stays open after this response
   * @param http10Client whether the client spoke HTTP/1.0 (no chunked encoding there)
   */
  static void toClient(HttpResponse res, boolean keepAlive, boolean http10Client, boolean upgrade) {
    HttpHeaders h = res.headers();
    if (upgrade) {
      return; // 101: Connection/Upgrade are the point of the response
    }
    removeHopByHop(h);
    if (http10Client) {
      h.remove(HttpHeaderNames.TRANSFER_ENCODING);
      res.setProtocolVersion(io.netty.handler.codec.http.HttpVersion.HTTP_1_0);
    }
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (http10Client) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  /** True when the response's body length is known from its headers. */
  static boolean hasFraming(HttpResponse res) {
    return HttpUtil.isContentLengthSet(res) || HttpUtil.isTransferEncodingChunked(res);
  }

  /** Removes {@code Connection}, every header it names, and the fixed hop-by-hop set. */
  static void removeHopByHop(HttpHeaders h) {
    List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
    if (!connection.isEmpty()) {
      List<String> named = new ArrayList<>();
      for (String value : connection) {
        for (String token : value.split(",")) {
          String t = token.trim();
          if (!t.isEmpty()) {
            named.add(t);
          }
        }
      }
      for (String t : named) {
        if (!NEVER_NOMINATED.contains(AsciiString.of(t).toLowerCase())) {
          h.remove(t);
        }
      }
      h.remove(HttpHeaderNames.CONNECTION);
    }
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    h.remove(PROXY_CONNECTION);
    h.remove(HttpHeaderNames.PROXY_AUTHENTICATE);
    h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    h.remove(HttpHeaderNames.TE);
    h.remove(HttpHeaderNames.TRAILER);
    h.remove(HttpHeaderNames.UPGRADE);
  }

  /** 128 random bits as 32 hex characters. */
  static String newRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long a = r.nextLong();
    long b = r.nextLong();
    char[] out = new char[32];
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (a >>> (i * 4)) & 15];
      out[31 - i] = HEX[(int) (b >>> (i * 4)) & 15];
    }
    return new String(out);
  }

  /**
   * True for a WebSocket upgrade request ({@code Upgrade: websocket} + {@code Connection:
   * upgrade}).
   */
  static boolean isWebSocketUpgrade(HttpRequest req) {
    HttpHeaders h = req.headers();
    return h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
  }
}
