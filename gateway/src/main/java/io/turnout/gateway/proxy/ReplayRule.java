package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Whether a request that was written to an upstream connection which then closed without answering
 * may be sent again, to another endpoint or on another connection.
 *
 * <p>Only when it is idempotent (RFC 9110 section 9.2.2) and has no body. The gateway cannot tell
 * whether the upstream acted on a request before the connection died, not even on a reused
 * keep-alive connection that the upstream "probably" closed while idle: the close can cross a
 * request that was read and acted on. So a {@code POST} or {@code PATCH} is never sent twice, and
 * neither is a request with a body (whose bytes may already be gone from the client and partly
 * consumed upstream). The price: a non-idempotent request that meets a keep-alive race gets a 502,
 * as with nginx's default {@code proxy_next_upstream} (no {@code non_idempotent}).
 *
 * <p>A request that never reached an upstream (the connect failed) may always be retried; that is
 * not this rule's business.
 */
final class ReplayRule {
  private ReplayRule() {}

  static boolean mayResendAfterWrite(HttpRequest req) {
    return isIdempotent(req.method()) && !hasBody(req);
  }

  static boolean isIdempotent(HttpMethod m) {
    return HttpMethod.GET.equals(m)
        || HttpMethod.HEAD.equals(m)
        || HttpMethod.OPTIONS.equals(m)
        || HttpMethod.PUT.equals(m)
        || HttpMethod.DELETE.equals(m)
        || HttpMethod.TRACE.equals(m);
  }

  /** A body is announced by chunked framing or a non-zero Content-Length. */
  static boolean hasBody(HttpRequest req) {
    return HttpUtil.isTransferEncodingChunked(req) || HttpUtil.getContentLength(req, 0L) > 0;
  }
}
