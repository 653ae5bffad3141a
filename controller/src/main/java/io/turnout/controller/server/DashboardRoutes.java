package io.turnout.controller.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
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
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-only dashboard: {@code GET /ui/} (a page, its script and uPlot, all from the jar: no
 * build step, no CDN) and {@code GET /ui/events}, a Server-Sent Events stream with one {@code
 * state} event a second (the JSON of {@code DashboardState}).
 *
 * <p>Threads: requests are answered on the HTTP event loops. One daemon thread, "turnout-ui",
 * builds the state once a second while anyone watches and writes it to every viewer; a viewer that
 * cannot take it (not writable) skips that second instead of queueing frames.
 */
final class DashboardRoutes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardRoutes.class);
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final String OWN = "io/turnout/controller/ui/";
  private static final Map<String, String[]> FILES =
      Map.of(
          "/ui/", new String[] {OWN + "index.html", "text/html; charset=utf-8"},
          "/ui/app.js", new String[] {OWN + "app.js", "text/javascript; charset=utf-8"},
          "/ui/app.css", new String[] {OWN + "app.css", "text/css; charset=utf-8"},
          "/ui/uPlot.iife.min.js",
              new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
          "/ui/uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

  private final Supplier<String> state;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final Set<Channel> viewers = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService thread;

  DashboardRoutes(Supplier<String> state) {
    this.state = state;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-ui");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::broadcast, 1, 1, TimeUnit.SECONDS);
  }

  /** Answers {@code /ui...} requests; false for any other path. */
  boolean handle(ChannelHandlerContext ctx, FullHttpRequest req, String path) {
    if (!path.equals("/ui") && !path.startsWith("/ui/")) {
      return false;
    }
    if (!req.method().equals(HttpMethod.GET)) {
      respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", bytes("GET only\n"));
      return true;
    }
    if (path.equals("/ui")) {
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.MOVED_PERMANENTLY);
      res.headers().set(HttpHeaderNames.LOCATION, "/ui/").setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      ctx.writeAndFlush(res);
      return true;
    }
    if (path.equals("/ui/events")) {
      stream(ctx);
      return true;
    }
    String[] file = FILES.get(path);
    if (file == null) {
      respond(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain", bytes("not found\n"));
      return true;
    }
    respond(ctx, req, HttpResponseStatus.OK, file[1], files.computeIfAbsent(file[0], this::load));
    return true;
  }

  private void stream(ChannelHandlerContext ctx) {
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
    HttpUtil.setTransferEncodingChunked(res, true);
    ctx.writeAndFlush(res);
    Channel ch = ctx.channel();
    viewers.add(ch);
    ch.closeFuture().addListener(f -> viewers.remove(ch));
    thread.execute(() -> send(ch, frame())); // the first frame at once, not in a second
  }

  private void broadcast() {
    if (viewers.isEmpty()) {
      return;
    }
    String frame = frame();
    for (Channel ch : viewers) {
      send(ch, frame);
    }
  }

  private String frame() {
    try {
      return "event: state\ndata: " + state.get() + "\n\n";
    } catch (RuntimeException e) {
      log.warn("dashboard state failed: {}", e.toString());
      return ": state unavailable\n\n";
    }
  }

  private static void send(Channel ch, String frame) {
    if (ch.isActive() && ch.isWritable()) {
      ch.writeAndFlush(
          new DefaultHttpContent(Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8))));
    }
  }

  private byte[] load(String resource) {
    try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing from the jar: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest req,
      HttpResponseStatus status,
      String type,
      byte[] body) {
    FullHttpResponse res =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
    HttpUtil.setContentLength(res, body.length);
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    HttpUtil.setKeepAlive(res, keepAlive);
    var f = ctx.writeAndFlush(res);
    if (!keepAlive) {
      f.addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    viewers.forEach(Channel::close);
  }
}
