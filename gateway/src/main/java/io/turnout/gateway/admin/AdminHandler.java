package io.turnout.gateway.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.routing.RoutingTable;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The admin port's endpoints (docs/REFERENCE.md, interfaces), all read-only:
 *
 * <ul>
 *   <li>{@code GET /healthz}: 200 while the process runs;
 *   <li>{@code GET /readyz}: 200 once a routing snapshot is applied, 503 from the moment shutdown
 *       begins;
 *   <li>{@code GET /metrics}: Prometheus text;
 *   <li>{@code GET /snapshot}: the snapshot in use, as JSON, with its version; cookie keys and
 *       tokens redacted ({@link SnapshotRedactor}).
 * </ul>
 *
 * <p>Sharable and stateless.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private final RoutingState routing;
  private final GatewayMetrics metrics;
  private final BooleanSupplier shuttingDown;

  public AdminHandler(RoutingState routing, GatewayMetrics metrics, BooleanSupplier shuttingDown) {
    this.routing = routing;
    this.metrics = metrics;
    this.shuttingDown = shuttingDown;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    String path = req.uri();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
      send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "read-only: use GET\n");
      return;
    }
    switch (path) {
      case "/healthz" -> send(ctx, req, HttpResponseStatus.OK, "text/plain", "ok\n");
      case "/readyz" -> {
        if (shuttingDown.getAsBoolean()) {
          send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "shutting down\n");
        } else if (!routing.hasSnapshot()) {
          send(
              ctx,
              req,
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "text/plain",
              "no routing snapshot yet\n");
        } else {
          send(ctx, req, HttpResponseStatus.OK, "text/plain", "ready\n");
        }
      }
      case "/metrics" ->
          send(
              ctx,
              req,
              HttpResponseStatus.OK,
              "text/plain; version=0.0.4; charset=utf-8",
              metrics.registry().scrape());
      case "/snapshot" -> {
        RoutingTable t = routing.table();
        if (t == null) {
          send(
              ctx,
              req,
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "text/plain",
              "no routing snapshot yet\n");
        } else {
          send(
              ctx,
              req,
              HttpResponseStatus.OK,
              "application/json",
              SnapshotRedactor.toJson(t.snapshot()));
        }
      }
      default -> send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
    }
  }

  private static void send(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteBuf buf =
        HttpMethod.HEAD.equals(req.method())
            ? ctx.alloc().buffer(0)
            : ctx.alloc().buffer(bytes.length).writeBytes(bytes);
    FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, type)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(res, keepAlive);
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
