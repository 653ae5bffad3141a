package io.turnout.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.turnout.gateway.routing.filter.RequestRedirect;

/**
 * The gateway's answer for a route with a {@code RequestRedirect} filter: the status and {@code
 * Location} the filter gives ({@link RequestRedirect#location}), an empty body. No upstream is
 * contacted; the exchange is counted and logged like the gateway's other answers.
 */
final class RedirectAnswer {
  private RedirectAnswer() {}

  static FullHttpResponse response(
      RequestRedirect redirect, String uri, String hostHeader, boolean https, boolean keepAlive) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(redirect.statusCode()),
            Unpooled.EMPTY_BUFFER);
    res.headers()
        .set(HttpHeaderNames.LOCATION, redirect.location(uri, hostHeader, https))
        .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return res;
  }
}
