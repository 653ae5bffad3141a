package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The gateway's own answers (docs/REFERENCE.md, interfaces): short {@code text/plain} bodies naming
 * the status and the reason, e.g. {@code 503 Service Unavailable: no serving version for
 * shop.example.com/}.
 */
final class GatewayErrors {
  private GatewayErrors() {}

  static FullHttpResponse response(
      ByteBufAllocator alloc, HttpResponseStatus status, String reason, boolean keepAlive) {
    byte[] text =
        (status.code() + " " + status.reasonPhrase() + ": " + reason + "\n")
            .getBytes(StandardCharsets.UTF_8);
    ByteBuf body = alloc.buffer(text.length).writeBytes(text);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    if (!keepAlive) {
      res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    return res;
  }
}
