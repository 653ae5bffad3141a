package io.turnout.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.affinity.ChoiceReason;
import io.turnout.gateway.affinity.VersionChoice;
import io.turnout.gateway.affinity.VersionChooser;
import io.turnout.gateway.assets.AssetFallback;
import io.turnout.gateway.config.UpstreamSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.UpstreamErrorKind;
import io.turnout.gateway.metrics.VersionMeters;
import io.turnout.gateway.proxy.mirror.MirrorBody;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.RoutingTable;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proxies the requests of one client connection, one at a time: route, choose a version, pick an
 * endpoint, borrow a pooled upstream connection on this same event loop, and stream the request up
 * and the response down.
 *
 * <p>Back-pressure: the client channel reads only on demand (auto-read off, one message per {@code
 * read()} through {@link OneMessagePerRead}); a body chunk is read only while the upstream is
 * writable. The upstream channel auto-reads, one buffer per read (see {@link UpstreamPool}), and is
 * paused when the client stops being writable and resumed when it drains: flipping auto-read only
 * at the water marks keeps the socket's read interest registered between requests, where toggling
 * it for each response cost two {@code epoll_ctl} calls per request. Pipelined requests wait in the
 * flow-control queue until the current response is done.
 *
 * <p>Retries (same version, another endpoint, within the retry budget): a connect failure; and a
 * connection closed before any response byte when the request is idempotent and bodiless ({@link
 * ReplayRule}), on a fresh or a reused keep-alive connection alike.
 *
 * <p>Timeouts: each piece of the request body must arrive within {@code limits.bodyReadTimeout}
 * while the gateway is reading (408); response headers within {@code upstream.responseTimeout} once
 * the request is sent (504). The head waits for the body's first piece and leaves with it. The
 * upstream's read and send timeouts are watched on its connection ({@link UpstreamTimeoutHandler})
 * and reported to {@link #upstreamTimedOut}; a client that stops reading is reset by {@link
 * ClientSendTimeoutHandler}, which ends the exchange like any client close.
 *
 * <p>Confined to the client channel's event loop, as is every upstream channel it borrows.
 */
final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter implements UpstreamListener {
  private static final Logger log = LoggerFactory.getLogger(ProxyFrontendHandler.class);
  private final ProxyContext proxy;
  private final ClientTimeoutHandler timeouts;
  private final VersionChoice choice = new VersionChoice();
  private final AssetFallback assetFallback;
  private ChannelHandlerContext ctx;
  private String clientIp;
  private boolean trustedHop;
  private boolean clientTls;

  // The current exchange. One per connection at a time; reset by beginExchange().
  private int exchangeSeq;
  private boolean inFlight;
  private HttpRequest request;
  private String requestUri;
  private long startNanos;
  private String requestId;
  private CompiledHost host;
  private VersionTarget version;
  private ChoiceReason reason;
  private UpstreamEndpoint endpoint;
  private boolean endpointCounted;
  private boolean countedInFlight;
  private int attempts;
  private boolean keepAlive;
  private boolean http10;
  private boolean headRequest;
  private boolean webSocket;
  private String setCookie;
  private Channel upstream;
  private UpstreamHandler upstreamHandler;
  private boolean requestComplete;
  private boolean requestBodySent;
  private long bytesIn;
  private boolean responseStarted;
  private boolean upstreamKeepAlive;
  private boolean closeAfterResponse;
  private boolean skipInterimLast;
  private boolean upgrading;
  private int status;
  private long bytesOut;
  private ScheduledFuture<?> responseTimer;
  private ScheduledFuture<?> bodyTimer;
  private long bodyWaitStartNanos; // when the body read now pending was asked for; 0 if none
  private boolean waitingForUpstreamWritable;
  private boolean waitingForClientWritable;
  private boolean discardingRequestBody;
  private MirrorBody mirrorBody; // the live body's copy for mirrors while it streams, else null

  ProxyFrontendHandler(ProxyContext proxy, ClientTimeoutHandler timeouts) {
    this.proxy = proxy;
    this.timeouts = timeouts;
    this.assetFallback = new AssetFallback(proxy.metrics.assets());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    proxy.clientChannels.add(ctx.channel());
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress isa) {
      clientIp = isa.getAddress() == null ? isa.getHostString() : isa.getAddress().getHostAddress();
    } else {
      clientIp = "unknown";
    }
    trustedHop = proxy.isTrusted(ctx.channel().remoteAddress());
    // An HTTP/2 stream's TLS is its connection's; "tls" is the SNI handler until the handshake.
    Channel conn =
        ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel
            ? ctx.channel().parent()
            : ctx.channel();
    clientTls =
        conn.pipeline().get(io.netty.handler.ssl.SslHandler.class) != null
            || conn.pipeline().get("tls") != null;
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest req) {
      onRequestHead(req);
    } else if (msg instanceof HttpContent content) {
      onRequestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  // ---------------------------------------------------------------- request head: route + choose

  private void onRequestHead(HttpRequest req) {
    timeouts.requestHeadReceived();
    if (inFlight || discardingRequestBody) {
      // Cannot happen while reads are on demand; refuse rather than mix two exchanges.
      ReferenceCountUtil.release(req);
      ctx.close();
      return;
    }
    beginExchange(req);
    RequestRejection rejection = RequestValidator.check(req, proxy.config.limits().maxBodySize());
    if (rejection != null) {
      ReferenceCountUtil.release(req);
      respondError(rejection.status(), rejection.reason(), true);
      return;
    }
    if (!proxy.config.limits().allowUnderscoresInHeaders()) {
      UnderscoreHeaders.drop(req.headers());
    }
    RoutingTable table = proxy.routing.table();
    if (table == null) {
      respondError(HttpResponseStatus.SERVICE_UNAVAILABLE, "no routing snapshot yet", false);
      return;
    }
    String hostHeader = req.headers().get(HttpHeaderNames.HOST);
    host = table.host(hostHeader);
    if (host == null) {
      respondError(HttpResponseStatus.NOT_FOUND, "unknown host", false);
      return;
    }
    String path = RequestValidator.pathOf(req.uri());
    if (!path.equals(req.uri())) {
      req.setUri(path); // absolute-form becomes origin-form for the upstream
    }
    CompiledRoute route = host.route(path);
    if (route == null) {
      respondError(HttpResponseStatus.NOT_FOUND, "no route for this path on " + host.name(), false);
      return;
    }
    assetFallback.begin(host, route, req.method(), path);
    AffinityPolicy policy = host.affinity();
    VersionChooser.choose(policy, route, req.method(), req.headers(), startNanos, choice);
    version = choice.target();
    if (version == null) {
      respondError(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no serving version for " + host.name() + route.prefix(),
          false);
      return;
    }
    reason = choice.reason();
    if (choice.setCookie()) {
      setCookie = policy.setCookieHeader(choice.bucket(), version.name(), hostHeader, isHttps(req));
    }
    if (choice.previous() != null) {
      proxy.metrics.repinned(host.name(), choice.previous().name(), version.name());
    }
    UpstreamEndpoint ep = EndpointPicker.pick(version.endpoints(), null, startNanos);
    if (ep == null) {
      respondError(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no ready endpoint for version " + version.name(),
          false);
      return;
    }
    webSocket = HeaderRewriter.isWebSocketUpgrade(req);
    requestId =
        HeaderRewriter.toUpstream(
            req, clientIp, trustedHop, clientTls, webSocket, policy.tokenHeader());
    proxy.retryBudget.onRequest();
    proxy.inFlight.incrementAndGet();
    countedInFlight = true;
    mirrorBody = proxy.mirror.offer(ctx.channel().eventLoop(), host, route, version, req);
    connectUpstream(ep);
  }

  private void beginExchange(HttpRequest req) {
    exchangeSeq++;
    inFlight = true;
    request = req;
    requestUri = req.uri();
    startNanos = System.nanoTime();
    requestId = req.headers().get(HeaderRewriter.X_REQUEST_ID);
    host = null;
    version = null;
    reason = null;
    endpoint = null;
    endpointCounted = false;
    attempts = 0;
    http10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
    keepAlive = HttpUtil.isKeepAlive(req) && !proxy.isDraining();
    headRequest = HttpMethod.HEAD.equals(req.method());
    webSocket = false;
    setCookie = null;
    upstream = null;
    upstreamHandler = null;
    requestComplete = false;
    requestBodySent = false;
    bytesIn = 0;
    responseStarted = false;
    upstreamKeepAlive = false;
    closeAfterResponse = !keepAlive;
    skipInterimLast = false;
    upgrading = false;
    status = 0;
    bytesOut = 0;
    waitingForUpstreamWritable = false;
    waitingForClientWritable = false;
  }

  // ---------------------------------------------------------------- upstream connection

  private void connectUpstream(UpstreamEndpoint ep) {
    attempts++;
    endpoint = ep;
    ep.requestStarted();
    endpointCounted = true;
    int seq = exchangeSeq;
    Future<Channel> f = proxy.pool(ctx.channel().eventLoop()).acquire(ep);
    if (f.isDone()) {
      onUpstreamAcquired(f, seq, ep);
    } else {
      f.addListener(done -> onUpstreamAcquired(f, seq, ep));
    }
  }

  private void onUpstreamAcquired(Future<Channel> f, int seq, UpstreamEndpoint ep) {
    if (seq != exchangeSeq || !inFlight || endpoint != ep) {
      // The client left (or the exchange ended) while we waited: give a clean connection back.
      if (f.isSuccess()) {
        proxy.pool(ctx.channel().eventLoop()).release(f.getNow());
      }
      return;
    }
    if (!f.isSuccess()) {
      finishEndpoint();
      boolean poolFull = f.cause() instanceof UpstreamPool.PoolExhaustedException;
      version.meters().upstreamError(poolFull ? UpstreamErrorKind.POOL : UpstreamErrorKind.CONNECT);
      if (!poolFull) {
        recordEndpointFailure(ep);
      }
      if (retry(ep)) {
        return;
      }
      respondError(
          poolFull ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_GATEWAY,
          poolFull
              ? "all connections to version " + version.name() + " are busy"
              : "could not connect to version " + version.name(),
          false);
      return;
    }
    Channel ch = f.getNow();
    upstream = ch;
    upstreamHandler = ch.pipeline().get(UpstreamHandler.class);
    upstreamHandler.bind(this);
    ch.write(request);
    if (requestComplete) {
      // A retry of a request whose (empty) body was already read.
      ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      startResponseTimer();
    } else {
      // The head is flushed with the body's first piece (the empty end of a bodiless request):
      // one write instead of two, and a request whose first chunk is malformed never reaches
      // the upstream at all.
      readRequestBody();
    }
    // No ch.read(): the pooled connection auto-reads (see the class comment).
  }

  /** Tries another endpoint of the same version. True when a retry started. */
  private boolean retry(UpstreamEndpoint failed) {
    if (attempts >= ProxyContext.MAX_ATTEMPTS || requestBodySent || !proxy.retryBudget.tryRetry()) {
      return false;
    }
    UpstreamEndpoint next = EndpointPicker.pick(version.endpoints(), failed, System.nanoTime());
    if (next == null) {
      return false;
    }
    proxy.metrics.retried();
    connectUpstream(next);
    return true;
  }

  // ---------------------------------------------------------------- request body: client ->
  // upstream

  private void onRequestContent(HttpContent content) {
    bodyWaitStartNanos = 0;
    if (content.decoderResult().isFailure()) {
      content.release();
      onMalformedBody();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    if (discardingRequestBody) {
      content.release();
      if (last) {
        discardingRequestBody = false;
        readNextRequest();
      } else {
        readRequestBody();
      }
      return;
    }
    if (!inFlight || responseCompleteOrAborted()) {
      content.release();
      return;
    }
    int readable = content.content().readableBytes();
    bytesIn += readable;
    long max = proxy.config.limits().maxBodySize();
    if (max > 0 && bytesIn > max) {
      content.release();
      abortUpstream();
      if (!responseStarted) {
        respondError(
            HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
            "request body larger than the limit",
            true);
      } else {
        ctx.close();
      }
      return;
    }
    if (upstream == null) {
      // Retrying: the content arrived before a connection did. Keep it only if it is the empty end.
      if (last && readable == 0) {
        content.release();
        requestComplete = true;
      } else {
        content.release();
        respondError(HttpResponseStatus.BAD_GATEWAY, "upstream connection lost", true);
      }
      return;
    }
    if (readable > 0) {
      requestBodySent = true;
    }
    if (mirrorBody != null && !mirrorBody.add(content)) { // copies bytes; content stays ours
      mirrorBody = null;
    }
    upstream.write(content);
    upstream.flush();
    if (last) {
      requestComplete = true;
      if (!responseStarted) {
        startResponseTimer();
      }
    } else if (upstream.isWritable()) {
      readRequestBody();
    } else {
      waitingForUpstreamWritable = true;
    }
  }

  /**
   * A chunk size or delimiter the decoder could not read: where the body ends is unknown, so the
   * upstream connection is dropped mid-request (it never sees a complete one) and the client's is
   * closed.
   */
  private void onMalformedBody() {
    discardingRequestBody = false;
    if (!inFlight) {
      ctx.close();
      return;
    }
    abortUpstream();
    if (responseStarted) {
      ctx.close();
    } else {
      respondError(HttpResponseStatus.BAD_REQUEST, "malformed request body", true);
    }
  }

  /**
   * Asks the client for the next piece of the request body. The wait is timed: a client that stops
   * sending mid-body (a slow POST) would otherwise hold this connection and an upstream one for as
   * long as it likes. Time the gateway spends not reading, because the upstream is not taking the
   * body, does not count.
   */
  private void readRequestBody() {
    bodyWaitStartNanos = System.nanoTime();
    if (bodyTimer == null) {
      scheduleBodyTimer(proxy.config.limits().bodyReadTimeout().toNanos());
    }
    ctx.read();
  }

  private void scheduleBodyTimer(long delayNanos) {
    bodyTimer = ctx.executor().schedule(this::onBodyTimer, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void onBodyTimer() {
    bodyTimer = null;
    long start = bodyWaitStartNanos;
    if (start == 0 || !ctx.channel().isActive()) {
      return; // not waiting for the client now; the next read re-arms the timer
    }
    long left = proxy.config.limits().bodyReadTimeout().toNanos() - (System.nanoTime() - start);
    if (left > 0) {
      scheduleBodyTimer(left);
      return;
    }
    bodyWaitStartNanos = 0;
    if (!inFlight) {
      ctx.close(); // discarding the rest of a refused request's body
      return;
    }
    abortUpstream();
    if (responseStarted) {
      ctx.close();
    } else {
      respondError(
          HttpResponseStatus.REQUEST_TIMEOUT, "request body not received within the limit", true);
    }
  }

  @Override
  public void upstreamWritabilityChanged(boolean writable) {
    if (writable && waitingForUpstreamWritable) {
      waitingForUpstreamWritable = false;
      readRequestBody();
    }
  }

  // ---------------------------------------------------------------- response: upstream -> client

  @Override
  public void upstreamRead(HttpObject msg) {
    if (msg instanceof HttpResponse res) {
      onResponseHead(res);
      if (!(msg instanceof HttpContent)) {
        return;
      }
    }
    if (msg instanceof HttpContent content) {
      onResponseContent(content);
    }
  }

  private void onResponseHead(HttpResponse res) {
    if (res.decoderResult().isFailure()) {
      ReferenceCountUtil.release(res);
      version.meters().upstreamError(UpstreamErrorKind.PROTOCOL);
      abortUpstream();
      if (!responseStarted) {
        respondError(HttpResponseStatus.BAD_GATEWAY, "invalid response from upstream", true);
      } else {
        ctx.close();
      }
      return;
    }
    int code = res.status().code();
    if (code >= 100 && code < 200 && code != 101) {
      skipInterimLast = true; // 100/103 interim answers are not relayed
      return;
    }
    if (code == 404 && assetMissFallsBack(res)) {
      return;
    }
    cancelResponseTimer();
    responseStarted = true;
    status = code;
    upgrading = code == 101 && webSocket;
    upstreamKeepAlive = HttpUtil.isKeepAlive(res);
    if (!requestComplete || proxy.isDraining()) {
      closeAfterResponse = true;
    }
    boolean bodyless = headRequest || code == 204 || code == 304 || code == 101;
    if (!bodyless && http10 && !HttpUtil.isContentLengthSet(res)) {
      // HTTP/1.0 has no chunks: a chunked or unframed body ends when the connection does.
      closeAfterResponse = true;
    } else if (!bodyless && !HeaderRewriter.hasFraming(res)) {
      HttpUtil.setTransferEncodingChunked(res, true);
    }
    if (headRequest && HttpUtil.isTransferEncodingChunked(res)) {
      res.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
    }
    HeaderRewriter.toClient(res, !closeAfterResponse, http10, upgrading);
    if (reason == ChoiceReason.PREVIEW) {
      PreviewCaching.makePrivate(res.headers());
    }
    if (setCookie != null) {
      res.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
    }
    ctx.write(res);
  }

  /**
   * The asset skew guard: an asset {@code GET} the chosen version answered 404 is asked of another
   * version ({@link AssetFallback}); the 404's connection drains in the background ({@link
   * AssetMissDrain}). The pin cookie stays as chosen.
   */
  private boolean assetMissFallsBack(HttpResponse res) {
    long now = System.nanoTime();
    boolean replayable = requestComplete && !requestBodySent && !webSocket;
    VersionTarget next = assetFallback.onNotFound(version, replayable, now);
    UpstreamEndpoint ep = next == null ? null : EndpointPicker.pick(next.endpoints(), null, now);
    if (ep == null) {
      return false;
    }
    cancelResponseTimer();
    boolean reusable = HttpUtil.isKeepAlive(res) && !proxy.isDraining();
    AssetMissDrain.start(
        upstream, upstreamHandler, proxy.pool(ctx.channel().eventLoop()), reusable);
    upstream = null;
    upstreamHandler = null;
    endpoint.recordSuccess();
    finishEndpoint();
    version = next;
    reason = ChoiceReason.FALLBACK;
    attempts = 0;
    connectUpstream(ep);
    return true;
  }

  private void onResponseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (skipInterimLast && last) {
      skipInterimLast = false;
      content.release();
      return;
    }
    if (!responseStarted) {
      content.release();
      return;
    }
    bytesOut += content.content().readableBytes();
    if (!last) {
      ctx.write(content);
      return;
    }
    ChannelFuture written = ctx.writeAndFlush(content);
    if (upgrading) {
      switchToRelay();
    } else {
      finishExchange(written);
    }
  }

  @Override
  public void upstreamReadComplete() {
    ctx.flush();
    if (upstream != null && inFlight && !ctx.channel().isWritable()) {
      upstream.config().setAutoRead(false); // the client is full: stop reading the response
      waitingForClientWritable = true;
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && waitingForClientWritable) {
      waitingForClientWritable = false;
      if (upstream != null) {
        upstream.config().setAutoRead(true);
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void finishExchange(ChannelFuture lastWrite) {
    Channel up = upstream;
    upstream = null;
    cancelResponseTimer();
    if (up != null) {
      if (requestComplete && upstreamKeepAlive && !proxy.isDraining()) {
        proxy.pool(ctx.channel().eventLoop()).release(up);
      } else {
        upstreamHandler.unbind();
        up.close();
      }
    }
    endpoint.recordSuccess();
    finishEndpoint();
    endExchange(status);
    if (closeAfterResponse && requestComplete) {
      lastWrite.addListener(ChannelFutureListener.CLOSE);
    } else if (closeAfterResponse) {
      // The upstream answered before the client finished sending (a 413 from the app, say).
      LingeringClose.closeAfter(lastWrite);
    } else {
      readNextRequest();
    }
  }

  private void readNextRequest() {
    bodyWaitStartNanos = 0;
    timeouts.awaitingNextRequest();
    ctx.read();
  }

  @Override
  public void upstreamClosed() {
    Channel up = upstream;
    upstream = null;
    if (!inFlight || up == null) {
      return;
    }
    cancelResponseTimer();
    finishEndpoint();
    if (responseStarted) {
      // Mid-response: the client must see a truncated message, not a clean end.
      version.meters().upstreamError(UpstreamErrorKind.RESET);
      endExchange(status);
      ctx.close();
      return;
    }
    boolean reused = upstreamHandler != null && upstreamHandler.reused();
    version.meters().upstreamError(UpstreamErrorKind.RESET);
    if (!reused) {
      recordEndpointFailure(endpoint);
    }
    if (ReplayRule.mayResendAfterWrite(request) && retry(reused ? null : endpoint)) {
      return;
    }
    respondError(
        HttpResponseStatus.BAD_GATEWAY, "upstream closed the connection before responding", false);
  }

  @Override
  public void upstreamTimedOut(UpstreamTimeout timeout) {
    if (!inFlight || upstream == null) {
      return;
    }
    version.meters().upstreamError(UpstreamErrorKind.TIMEOUT);
    AbortiveClose.resetOnClose(upstream); // its kernel need not keep trying to deliver our bytes
    abortUpstream();
    if (responseStarted) {
      endExchange(status);
      AbortiveClose.reset(ctx.channel()); // a cut: never a clean end, even without framing
    } else {
      respondError(
          HttpResponseStatus.GATEWAY_TIMEOUT,
          "version " + version.name() + " " + timeout.description(),
          false);
    }
  }

  private void startResponseTimer() {
    long timeout = proxy.config.upstream().responseTimeout().toNanos();
    if (timeout <= 0 || responseTimer != null) {
      return;
    }
    int seq = exchangeSeq;
    responseTimer =
        ctx.executor()
            .schedule(
                () -> {
                  responseTimer = null;
                  if (seq == exchangeSeq && inFlight && !responseStarted) {
                    version.meters().upstreamError(UpstreamErrorKind.TIMEOUT);
                    abortUpstream();
                    respondError(
                        HttpResponseStatus.GATEWAY_TIMEOUT,
                        "version " + version.name() + " did not answer in time",
                        false);
                  }
                },
                timeout,
                TimeUnit.NANOSECONDS);
  }

  private void cancelResponseTimer() {
    if (responseTimer != null) {
      responseTimer.cancel(false);
      responseTimer = null;
    }
  }

  // ---------------------------------------------------------------- WebSocket

  private void switchToRelay() {
    Channel up = upstream;
    upstream = null;
    upstreamHandler.unbind();
    finishEndpoint();
    endExchange(status);
    timeouts.disable();
    Channel client = ctx.channel();
    TunnelIdleTimeout idle =
        new TunnelIdleTimeout(client, up, proxy.config.limits().tunnelIdleTimeout().toNanos());
    RawRelayHandler toUpstream = new RawRelayHandler(up, idle);
    RawRelayHandler toClient = new RawRelayHandler(client, idle);
    ChannelPipeline cp = client.pipeline();
    ChannelPipeline upp = up.pipeline();
    cp.addLast("relay", toUpstream);
    upp.addLast("relay", toClient);
    // Removing a codec hands any bytes it still buffers on to the relay.
    upp.remove("upstream");
    upp.remove("idle");
    upp.remove(UpstreamTimeoutHandler.NAME);
    upp.remove("http");
    cp.remove(this);
    cp.remove("flow");
    cp.remove("expect-continue");
    cp.remove("http");
    toUpstream.start();
    toClient.start();
    idle.start();
  }

  // ---------------------------------------------------------------- ends and errors

  private boolean responseCompleteOrAborted() {
    return !inFlight;
  }

  /**
   * Answers with the gateway's own error. The connection stays open only when the rest of the
   * request is known to be empty and the client wants to keep it; otherwise it closes after a
   * linger, so the answer is not lost to a reset.
   */
  private void respondError(HttpResponseStatus st, String why, boolean mustClose) {
    boolean close =
        mustClose || !keepAlive || proxy.isDraining() || requestMayHaveBody() && !requestComplete;
    status = st.code();
    endExchange(st.code());
    ChannelFuture f = ctx.writeAndFlush(GatewayErrors.response(ctx.alloc(), st, why, !close));
    if (close) {
      LingeringClose.closeAfter(f);
    } else if (requestComplete) {
      readNextRequest();
    } else {
      discardingRequestBody = true;
      readRequestBody();
    }
  }

  private boolean requestMayHaveBody() {
    HttpRequest r = request;
    if (r == null) {
      return false;
    }
    if (HttpUtil.isTransferEncodingChunked(r)) {
      return true;
    }
    long length = HttpUtil.getContentLength(r, 0L);
    return length > 0;
  }

  /** Records the exchange in metrics and the access log, and marks it over. */
  private void endExchange(int code) {
    abandonMirrorBody();
    if (!inFlight) {
      return;
    }
    inFlight = false;
    exchangeSeq++;
    if (countedInFlight) {
      countedInFlight = false;
      proxy.inFlight.decrementAndGet();
    }
    long duration = System.nanoTime() - startNanos;
    String hostName = host == null ? GatewayMetrics.NO_HOST : host.name();
    VersionMeters meters =
        version == null
            ? proxy.metrics.versionMeters(hostName, GatewayMetrics.NO_VERSION)
            : version.meters();
    meters.record(code, duration, reason != null && reason.keptPin());
    proxy.accessLog.log(
        hostName,
        version == null ? "-" : version.name(),
        reason == null ? "-" : reason.logName(),
        endpoint,
        request == null ? "-" : request.method().name(),
        requestUri,
        code,
        bytesIn,
        bytesOut,
        duration,
        requestId);
  }

  private void abandonMirrorBody() {
    if (mirrorBody != null) {
      mirrorBody.abandon();
      mirrorBody = null;
    }
  }

  private void finishEndpoint() {
    if (endpointCounted) {
      endpointCounted = false;
      endpoint.requestFinished();
    }
  }

  private void recordEndpointFailure(UpstreamEndpoint ep) {
    UpstreamSettings s = proxy.config.upstream();
    if (ep.recordFailure(
        s.ejectAfter(),
        s.ejectionTime().toNanos(),
        s.maxEjectionTime().toNanos(),
        System.nanoTime())) {
      proxy.metrics.endpointEjected();
      log.warn(
          "ejected endpoint {} of version {} after {} consecutive failures",
          ep,
          version.name(),
          s.ejectAfter());
    }
  }

  /** Drops the current upstream connection without reusing it. */
  private void abortUpstream() {
    cancelResponseTimer();
    Channel up = upstream;
    upstream = null;
    if (up != null) {
      upstreamHandler.unbind();
      up.close();
    }
    finishEndpoint();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
    if (inFlight) {
      abortUpstream();
      // 499: the client closed the connection before the response was complete (nginx's code).
      endExchange(responseStarted ? status : 499);
    }
    abandonMirrorBody();
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ProxyContext.CloseIdleEvent.INSTANCE) {
      if (!inFlight && !discardingRequestBody) {
        ctx.close(); // idle keep-alive connection: nothing to finish
      } else {
        closeAfterResponse = true;
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  private boolean isHttps(HttpRequest req) {
    if (clientTls) {
      return true;
    }
    if (!trustedHop) {
      return false;
    }
    String proto = req.headers().get(HeaderRewriter.X_FORWARDED_PROTO);
    return proto != null && proto.regionMatches(true, 0, "https", 0, 5);
  }
}
