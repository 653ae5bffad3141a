package io.turnout.gateway.proxy.mirror;

import io.micrometer.core.instrument.MeterRegistry;
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
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;
import java.time.Duration;
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
 *       would repeat its side effect), with {@code X-Turnout-Mirror: 1} so the app can skip side
 *       effects of its own, and without {@code Cookie} and {@code Authorization} unless {@code
 *       mirror.mirrorCredentials} is on. The answer (its {@code Set-Cookie} included) reaches no
 *       one.
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
  private final MeterRegistry registry;
  private final Map<List<String>, MirrorMeters> meters = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final FastThreadLocal<MirrorLoop> loops = new FastThreadLocal<>();
  private volatile MirrorSettings settings;

  private MirrorSender(
      MirrorSettings settings, Transport transport, Duration connectTimeout, MeterRegistry reg) {
    this.settings = settings;
    this.transport = transport;
    this.connectTimeout = connectTimeout;
    this.registry = reg;
  }

  /**
   * @param connectTimeout the upstream connect timeout; a copy's connect gets the shorter of it and
   *     {@code mirror.timeout}
   */
  public static MirrorSender create(
      MirrorSettings settings,
      Transport transport,
      Duration connectTimeout,
      MeterRegistry registry) {
    return new MirrorSender(settings, transport, connectTimeout, registry);
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
   */
  public void offer(
      EventLoop loop, CompiledHost host, CompiledRoute route, VersionTarget live, HttpRequest req) {
    VersionTarget[] mirrors = route.mirrors();
    if (mirrors.length == 0 || !copyable(req)) {
      return;
    }
    MirrorLoop ml = loop(loop);
    long position = ml.sampler.next();
    MirrorSettings s = settings;
    for (VersionTarget m : mirrors) {
      if (m.name().equals(live.name()) || !MirrorSampler.take(position, m.mirrorPercent())) {
        continue;
      }
      send(ml, s, meters(host.name(), m.name()), m, req);
    }
  }

  private void send(
      MirrorLoop ml, MirrorSettings s, MirrorMeters mm, VersionTarget m, HttpRequest req) {
    if (inFlight.incrementAndGet() > s.maxInFlight()) {
      inFlight.decrementAndGet();
      mm.dropped(DropReason.LIMIT);
      return;
    }
    UpstreamEndpoint ep = ml.pick(m.endpoints());
    if (ep == null) {
      inFlight.decrementAndGet();
      mm.dropped(DropReason.NO_ENDPOINT);
      return;
    }
    new MirrorCopy(ml, ep, copyOf(req, s.mirrorCredentials()), mm, inFlight, s).start();
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

  /** The copy's own head: the live one's rewritten headers, marked, credentials off by default. */
  static FullHttpRequest copyOf(HttpRequest req, boolean credentials) {
    HttpHeaders h = req.headers().copy();
    if (!credentials) {
      h.remove(HttpHeaderNames.COOKIE);
      h.remove(HttpHeaderNames.AUTHORIZATION);
    }
    h.remove(HttpHeaderNames.CONTENT_LENGTH);
    h.remove(HttpHeaderNames.EXPECT);
    h.set(X_TURNOUT_MIRROR, "1");
    return new DefaultFullHttpRequest(
        HttpVersion.HTTP_1_1,
        req.method(),
        req.uri(),
        Unpooled.EMPTY_BUFFER,
        h,
        EmptyHttpHeaders.INSTANCE);
  }

  private MirrorMeters meters(String host, String version) {
    return meters.computeIfAbsent(
        List.of(host, version), k -> new MirrorMeters(registry, host, version));
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
