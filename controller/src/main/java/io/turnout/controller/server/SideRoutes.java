package io.turnout.controller.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.controller.fleet.GatewayReport;
import java.nio.charset.StandardCharsets;

/**
 * The controller port's endpoints beside the snapshot stream: {@code POST /v1/reports}, where every
 * gateway sends its per-version counters each second (kept in {@link FleetStats}), and the
 * dashboard under {@code /ui/} ({@link DashboardRoutes}).
 *
 * <p>Threads: stateless; runs on the HTTP event loops. Parsing a report is a few kilobytes of JSON,
 * done inline; nothing here blocks.
 */
final class SideRoutes {
  private final FleetStats fleet;
  private final DashboardRoutes dashboard;

  SideRoutes(FleetStats fleet, DashboardRoutes dashboard) {
    this.fleet = fleet;
    this.dashboard = dashboard;
  }

  void close() {
    if (dashboard != null) {
      dashboard.close();
    }
  }

  /** Answers the request and returns true when it is one of these endpoints. */
  boolean handle(ChannelHandlerContext ctx, FullHttpRequest req) {
    String path = new QueryStringDecoder(req.uri()).path();
    if (path.equals("/v1/reports") && fleet != null) {
      if (!req.method().equals(HttpMethod.POST)) {
        respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "POST only\n");
        return true;
      }
      try {
        fleet.accept(GatewayReport.parse(ByteBufUtil.getBytes(req.content())));
      } catch (IllegalArgumentException e) {
        respond(ctx, req, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
        return true;
      }
      respond(ctx, req, HttpResponseStatus.NO_CONTENT, "");
      return true;
    }
    return dashboard != null && dashboard.handle(ctx, req, path);
  }

  private static void respond(
      ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
    if (bytes.length > 0) {
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    }
    if (status != HttpResponseStatus.NO_CONTENT) {
      HttpUtil.setContentLength(res, bytes.length);
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(res, keepAlive);
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
