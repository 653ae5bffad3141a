package io.turnout.gateway.proxy.mirror;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;
import io.turnout.gateway.config.MirrorSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends copies of live requests to the mirror versions of their route ({@code mirror: PERCENT}) and
 * throws the answers away. The live exchange calls {@link #offer} once its request head is routed
 * and its own upstream connection asked for; from then on the two never meet:
 *
 * <ul>
 *   <li>copies ride their own connections ({@link MirrorLoop}, one small keep-alive pool per event
 *       loop), never the live {@code UpstreamPool}, so a live request never waits in line behind a
 *       copy and a hung mirror holds no connection the live path could use;
 *   <li>at most {@code mirror.maxInFlight} copies are outstanding per gateway; each is cut after
 *       {@code mirror.timeout}. A copy over the limit, without an endpoint, refused, reset or too
 *       slow is dropped and counted ({@code turnout_mirror_dropped_total}), never retried;
 *   <li>only bodiless {@code GET} and {@code HEAD} requests are copied (a copy of a {@code POST}
 *       would repeat its side effect) unless {@code mirror.mirrorBodies} is on: then requests of
 *       any method whose declared body fits {@code mirror.maxBodySize} are, their body copied as
 *       the live path forwards it ({@link MirrorBody}) and sent once complete; copies go with
 *       {@code X-Turnout-Mirror: 1} so the app can skip side effects of its own, and without {@code
 *       Cookie} and {@code Authorization} unless {@code mirror.mirrorCredentials} is on. The answer
 *       (its {@code Set-Cookie} included) reaches no one.
 * </ul>
 *
 * <p>Thread-safe: {@link #offer} runs on the calling event loop, whose {@link MirrorLoop} it uses;
 * the in-flight count is one atomic; settings are one volatile reference.
 */
public final class MirrorSender {
  /** Marks a copy, so the mirror version can tell it from a live request. */
  public static final AsciiString X_TURNOUT_MIRROR = AsciiString.cached("x-turnout-mirror");

  private final Transport transport;
  private final Duration connectTimeout;
  private final GatewayMetrics metrics;
  private final Map<List<String>, MirrorMeters> meters = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final FastThreadLocal<MirrorLoop> loops = new FastThreadLocal<>();
  private volatile MirrorSettings settings;

  private MirrorSender(
      MirrorSettings settings,
      Transport transport,
      Duration connectTimeout,
      GatewayMetrics metrics) {
    this.settings = settings;
    this.transport = transport;
    this.connectTimeout = connectTimeout;
    this.metrics = metrics;
  }

  /**
   * @param connectTimeout the upstream connect timeout; a copy's connect gets the shorter of it and
   *     {@code mirror.timeout}
   */
  public static MirrorSender create(
      MirrorSettings settings,
      Transport transport,
      Duration connectTimeout,
      GatewayMetrics metrics) {
    return new MirrorSender(settings, transport, connectTimeout, metrics);
  }

  /** Applies edited limits; copies already outstanding keep the ones they started with. */
  public void update(MirrorSettings newSettings) {
    settings = newSettings;
  }

  /** Copies outstanding right now, on every loop. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Sends a copy of {@code req} to each mirror of {@code route} whose share it falls in. Cheap when
   * the route has no mirror (one array length check). Call on {@code loop}, after the live
   * request's headers are rewritten for the upstream and before anything else edits them; the copy
   * takes its own headers, so the live request may be written and released right after.
   *
   * @param live the version serving the live request; never also sent a copy
   * @return null, or, for a request with a body chosen for copying ({@code mirror.mirrorBodies}),
   *     the {@link MirrorBody} to pass every chunk of the live body to; the copies leave when it is
   *     complete
   */
  public MirrorBody offer(
      EventLoop loop, CompiledHost host, CompiledRoute route, VersionTarget live, HttpRequest req) {
    VersionTarget[] mirrors = route.mirrors();
    if (mirrors.length == 0) {
      return null;
    }
    MirrorSettings s = settings;
    long length = bodyLength(req, s);
    if (length < 0) {
      return null;
    }
    MirrorLoop ml = loop(loop);
    long position = ml.sampler.next();
    List<VersionTarget> chosen = new ArrayList<>(mirrors.length);
    for (VersionTarget m : mirrors) {
      if (!m.name().equals(live.name()) && MirrorSampler.take(position, m.mirrorPercent())) {
        chosen.add(m);
      }
    }
    if (chosen.isEmpty()) {
      return null;
    }
    HttpHeaders head = copyHeaders(req, s.mirrorCredentials());
    HttpMethod method = req.method();
    String uri = req.uri(); // the live request is not read again: it may be released by then
    if (length == 0) {
      for (VersionTarget m : chosen) {
        send(
            ml,
            s,
            meters(host.name(), m.name()),
            m,
            copyOf(method, uri, head, Unpooled.EMPTY_BUFFER));
      }
      return null;
    }
    return new MirrorBody(
        ByteBufAllocator.DEFAULT.buffer(
            (int) length, (int) length), // checked: <= mirror.maxBodySize
        body -> {
          try {
            for (VersionTarget m : chosen) {
              send(
                  ml,
                  s,
                  meters(host.name(), m.name()),
                  m,
                  copyOf(method, uri, head, body.retainedDuplicate()));
            }
          } finally {
            body.release();
          }
        });
  }

  private void send(
      MirrorLoop ml, MirrorSettings s, MirrorMeters mm, VersionTarget m, FullHttpRequest copy) {
    if (inFlight.incrementAndGet() > s.maxInFlight()) {
      inFlight.decrementAndGet();
      copy.release();
      mm.dropped(DropReason.LIMIT);
      return;
    }
    UpstreamEndpoint ep = ml.pick(m.endpoints());
    if (ep == null) {
      inFlight.decrementAndGet();
      copy.release();
      mm.dropped(DropReason.NO_ENDPOINT);
      return;
    }
    new MirrorCopy(ml, ep, copy, mm, inFlight, s).start();
  }

  /** Bodiless GET and HEAD, not upgrades: a copy of anything else could repeat a side effect. */
  static boolean copyable(HttpRequest req) {
    HttpMethod method = req.method();
    if (!HttpMethod.GET.equals(method) && !HttpMethod.HEAD.equals(method)) {
      return false;
    }
    HttpHeaders h = req.headers();
    return !h.contains(HttpHeaderNames.UPGRADE)
        && !HttpUtil.isTransferEncodingChunked(req)
        && HttpUtil.getContentLength(req, 0L) == 0;
  }

  /**
   * The length of the body a copy of {@code req} carries, or -1 when {@code req} is not copied:
   * bodiless {@code GET} and {@code HEAD} always are (0); with {@code mirror.mirrorBodies}, any
   * method whose {@code Content-Length} is declared and at most {@code mirror.maxBodySize}. A
   * chunked body, whose size is unknown until it ended, is not copied; nor is an upgrade.
   */
  static long bodyLength(HttpRequest req, MirrorSettings s) {
    if (copyable(req)) {
      return 0;
    }
    if (!s.mirrorBodies()
        || req.headers().contains(HttpHeaderNames.UPGRADE)
        || HttpUtil.isTransferEncodingChunked(req)) {
      return -1;
    }
    long length = HttpUtil.getContentLength(req, 0L); // neither length nor chunked: no body
    return length <= s.maxBodySize() ? length : -1;
  }

  /**
   * The copy's own headers: the live one's rewritten headers, marked, credentials off by default.
   */
  static HttpHeaders copyHeaders(HttpRequest req, boolean credentials) {
    HttpHeaders h = req.headers().copy();
    if (!credentials) {
      h.remove(HttpHeaderNames.COOKIE);
      h.remove(HttpHeaderNames.AUTHORIZATION);
    }
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    h.remove(HttpHeaderNames.EXPECT);
    h.set(X_TURNOUT_MIRROR, "1");
    return h;
  }

  /**
   * One copy: its own headers (from {@code head}, shared by the copies of one request) and {@code
   * body}, owned by the result. A bodiless copy carries no length.
   */
  private static FullHttpRequest copyOf(
      HttpMethod method, String uri, HttpHeaders head, ByteBuf body) {
    HttpHeaders h = head.copy();
    if (body.isReadable()) {
      h.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    }
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1, method, uri, body, h, EmptyHttpHeaders.INSTANCE);
  }

  private MirrorMeters meters(String host, String version) {
    return meters.computeIfAbsent(
        List.of(host, version), k -> new MirrorMeters(metrics, host, version));
  }

  private MirrorLoop loop(EventLoop loop) {
    MirrorLoop ml = loops.getIfExists();
    if (ml == null) {
      long connectMillis = Math.min(connectTimeout.toMillis(), settings.timeout().toMillis());
      ml = new MirrorLoop(loop, transport, (int) Math.max(1, connectMillis));
      loops.set(ml);
    }
    return ml;
  }
}
