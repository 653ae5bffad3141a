package io.turnout.controller.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Routes the controller's few endpoints. Once a request turns the connection into a snapshot
 * stream, the {@link Subscriber} owns the connection and this handler only forwards writability and
 * close.
 *
 * <p>Threads: one instance per channel, used only on its event loop.
 */
final class ControllerHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final NettySnapshotServer server;
  private final BooleanSupplier ready;
  private final PrometheusMeterRegistry registry;
  private Subscriber subscriber;

  ControllerHttpHandler(
      NettySnapshotServer server, BooleanSupplier ready, PrometheusMeterRegistry registry) {
    this.server = server;
    this.ready = ready;
    this.registry = registry;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (subscriber != null) {
      return; // a stream is open: nothing else may be asked on this connection
    }
    if (!req.decoderResult().isSuccess()) {
      respond(ctx, req, HttpResponseStatus.BAD_REQUEST, "text/plain", "malformed request\n", false);
      return;
    }
    if (req.uri().startsWith("/v1/reports") && !server.authorized(req)) {
      respond(
          ctx,
          req,
          HttpResponseStatus.UNAUTHORIZED,
          "text/plain",
          "reports need Authorization: Bearer\n",
          true);
      return;
    }
    if (server.sideRoutes().handle(ctx, req)) {
      return; // reports from gateways, the dashboard: see SideRoutes
    }
    String path = new QueryStringDecoder(req.uri()).path();
    boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    if (!get) {
      respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET only\n", true);
      return;
    }
    switch (path) {
      case "/v1/snapshots" -> {
        if (req.method().equals(HttpMethod.GET)) {
          stream(ctx, req);
        } else {
          respond(
              ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", "GET only\n", true);
        }
      }
      case "/healthz" -> respond(ctx, req, HttpResponseStatus.OK, "text/plain", "ok\n", true);
      case "/readyz" -> {
        if (ready.getAsBoolean()) {
          respond(ctx, req, HttpResponseStatus.OK, "text/plain", "ready\n", true);
        } else {
          respond(
              ctx,
              req,
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              "text/plain",
              "not ready: informer caches have not synced\n",
              true);
        }
      }
      case "/metrics" ->
          respond(ctx, req, HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape(), true);
      default -> respond(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n", true);
    }
  }

  private void stream(ChannelHandlerContext ctx, FullHttpRequest req) {
    StreamGate.Refusal refusal = server.admit(req);
    if (refusal != null) {
      respond(ctx, req, refusal.status(), "text/plain", refusal.message(), false);
      return;
    }
    // ?delta=1: a full snapshot, then deltas (SnapshotStream); anything else: full snapshots only.
    boolean deltas =
        new QueryStringDecoder(req.uri())
            .parameters()
            .getOrDefault("delta", java.util.List.of())
            .contains("1");
    long lastEventId = -1;
    String header = req.headers().get("Last-Event-ID");
    if (header != null) {
      try {
        lastEventId = Long.parseLong(header.trim());
      } catch (NumberFormatException ignored) {
        // Not one of ours: send the current snapshot as to a new subscriber.
      }
    }
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
        .set("X-Accel-Buffering", "no");
    HttpUtil.setTransferEncodingChunked(res, true);
    ctx.writeAndFlush(res);
    // Only "id equals the current version" skips the first event, so a stale or foreign id just
    // gets the current snapshot; an id from the future (another replica) does too.
    Subscriber s =
        new Subscriber(
            ctx.channel(),
            deltas,
            server.slowClientTimeoutNanos(),
            server.maxPending(),
            server.slowClosed::increment);
    subscriber = s;
    server.subscribe(s, lastEventId);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (subscriber != null) {
      subscriber.writabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (subscriber != null) {
      server.unsubscribe(subscriber);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // peer reset or protocol error: nothing worth more than closing
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      String body,
      boolean allowKeepAlive) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    boolean head = req.method().equals(HttpMethod.HEAD);
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    HttpUtil.setContentLength(res, bytes.length);
    boolean keepAlive = allowKeepAlive && HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(res, keepAlive);
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }
}
