package io.turnout.gateway.proxy;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpResponse;
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
import io.turnout.gateway.affinity.ChoiceReason;
import io.turnout.gateway.config.UpstreamSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.VersionMeters;
import io.turnout.gateway.proxy.mirror.MirrorBody;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;
import io.turnout.gateway.routing.filter.RequestRedirect;
import io.turnout.gateway.routing.filter.RouteFilters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response (Zuul 2's {@code ProxyEndpoint} idea: one instance per request):
 * routed by {@link RequestRouter}, sent to an endpoint on a borrowed {@link UpstreamConnection},
 * its body streamed up and the response streamed down, then recorded in the meters and the access
 * log. The client connection ({@link ProxyFrontendHandler}) creates one per request head and keeps
 * only connection state.
 *
 * <p>States, in order; the two last are terminal:
 *
 * <pre>
 *   ROUTING     head received; validated, routed, version and endpoint chosen
 *   CONNECTING  waiting for an upstream connection (again after a retry or an asset fallback)
 *   SENDING     bound to a connection; the request goes up, no response head yet
 *   RESPONDING  the response head went to the client; its body streams down (the request body
 *               may still stream up: an upstream may answer early)
 *   DONE        the response ended cleanly (or the connection became a WebSocket relay)
 *   FAILED      a failure ended it ({@link #fail}): the gateway's answer, or a cut
 * </pre>
 *
 * A callback that arrives after the exchange ended (a connection acquired for a client that left, a
 * timer, a read) finds it over and does nothing but give back what it holds. Every failure goes
 * through {@link #fail}, which carries out the {@link FailureFunnel}'s decision.
 *
 * <p>Back-pressure: a body chunk is read from the client only while the upstream is writable; the
 * upstream is paused when the client stops being writable and resumed when it drains.
 *
 * <p>Confined to the client channel's event loop, as is every upstream connection it borrows.
 */
final class Exchange implements UpstreamListener {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  enum State {
    ROUTING,
    CONNECTING,
    SENDING,
    RESPONDING,
    DONE,
    FAILED
  }

  private final Downstream client;
  private final ProxyContext proxy;
  private final HttpRequest request;
  private final String requestUri;
  private final long startNanos = System.nanoTime();
  private final boolean http10;
  private final boolean headRequest;
  private final boolean keepAlive;
  private State state = State.ROUTING;
  private String requestId;
  private CompiledHost host;
  private VersionTarget version;
  private ChoiceReason reason;
  private CharSequence setCookie;
  private boolean webSocket;
  private UpstreamEndpoint endpoint;
  private boolean endpointCounted;
  private boolean countedInFlight;
  private int attempts;
  private UpstreamConnection upstream;
  private boolean requestComplete;
  private boolean requestBodySent;
  private long bytesIn;
  private boolean upstreamKeepAlive;
  private boolean closeAfterResponse;
  private boolean skipInterimLast;
  private boolean upgrading;
  private int status;
  private long bytesOut;
  private long responseDeadline; // upstream.responseTimeout runs out then; 0: not timing
  private boolean waitingForUpstreamWritable;
  private boolean waitingForClientWritable;
  private MirrorBody mirrorBody; // the live body's copy for mirrors while it streams, else null
  private RouteFilters filters = RouteFilters.NONE; // the route's filters once it is proxied

  Exchange(Downstream client, ProxyContext proxy, HttpRequest request) {
    this.client = client;
    this.proxy = proxy;
    this.request = request;
    this.requestUri = request.uri();
    this.requestId = request.headers().get(HeaderRewriter.X_REQUEST_ID);
    this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    this.headRequest = HttpMethod.HEAD.equals(request.method());
    this.keepAlive = HttpUtil.isKeepAlive(request) && !proxy.isDraining();
    this.closeAfterResponse = !keepAlive;
  }

  State state() {
    return state;
  }

  boolean isOver() {
    return state == State.DONE || state == State.FAILED;
  }

  /** The client connection is to close once this response is done (shutdown). */
  void closeAfterResponse() {
    closeAfterResponse = true;
  }

  // ---------------------------------------------------------------- head: route, then connect

  /** Routes the request head and sends it on its way, or answers it. */
  void start() {
    RequestRouter.Routed routed = RequestRouter.route(this, client, proxy, request, startNanos);
    if (routed == null) {
      return; // answered
    }
    host = routed.host();
    version = routed.version();
    reason = routed.reason();
    setCookie = routed.setCookie();
    webSocket = HeaderRewriter.isWebSocketUpgrade(request);
    requestId =
        HeaderRewriter.toUpstream(
            request,
            client.address().ip(),
            client.address().trustedHop(),
            client.address().tls(),
            webSocket,
            host.affinity().tokenHeader());
    filters = routed.route().filters();
    filters.applyToRequest(request); // after the gateway's rewrite: what it sets, the upstream sees
    proxy.retryBudget.onRequest();
    proxy.inFlight.incrementAndGet();
    countedInFlight = true;
    mirrorBody = proxy.mirror.offer(client.eventLoop(), host, routed.route(), version, request);
    connect(routed.endpoint());
  }

  /** Routing found nothing to send the request to: the request gets the gateway's own answer. */
  void refuse(HttpResponseStatus st, String why, boolean mustClose) {
    answer(st, why, mustClose);
  }

  /** Records what routing learnt before it refused, for the meters and the access log. */
  void routedSoFar(CompiledHost host, VersionTarget version, ChoiceReason reason) {
    this.host = host;
    this.version = version;
    this.reason = reason;
  }

  private void connect(UpstreamEndpoint ep) {
    state = State.CONNECTING;
    attempts++;
    endpoint = ep;
    ep.requestStarted();
    endpointCounted = true;
    Future<UpstreamConnection> f = client.pool().acquire(ep);
    if (f.isDone()) {
      onUpstreamAcquired(f, ep);
    } else {
      f.addListener(done -> onUpstreamAcquired(f, ep));
    }
  }

  private void onUpstreamAcquired(Future<UpstreamConnection> f, UpstreamEndpoint ep) {
    if (isOver() || endpoint != ep) {
      // The client left (or the exchange ended) while we waited: give a clean connection back.
      if (f.isSuccess()) {
        f.getNow().release(client.pool());
      }
      return;
    }
    if (!f.isSuccess()) {
      boolean poolFull = f.cause() instanceof UpstreamPool.PoolExhaustedException;
      fail(poolFull ? FailureKind.POOL : FailureKind.CONNECT, null);
      return;
    }
    UpstreamConnection up = f.getNow();
    upstream = up;
    state = State.SENDING;
    up.bind(this);
    up.write(request);
    if (requestComplete) {
      // A retry of a request whose (empty) body was already read.
      up.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      startResponseTimer();
    } else {
      // The head is flushed with the body's first piece (the empty end of a bodiless request):
      // one write instead of two, and a request whose first chunk is malformed never reaches
      // the upstream at all.
      client.readRequestBody();
    }
    // No read(): the pooled connection auto-reads (see UpstreamConnection).
  }

  // ---------------------------------------------------------------- request body: client -> up

  /** A piece of the request body (never a malformed one: the connection handles those). */
  void onRequestContent(HttpContent content) {
    if (isOver()) {
      content.release();
      return;
    }
    boolean last = content instanceof LastHttpContent;
    int readable = content.content().readableBytes();
    bytesIn += readable;
    long max = proxy.config.limits().maxBodySize();
    if (max > 0 && bytesIn > max) {
      content.release();
      fail(FailureKind.BODY_TOO_LARGE, null);
      return;
    }
    if (upstream == null) {
      // Retrying: the content arrived before a connection did. Keep it only if it is the empty end.
      content.release();
      if (last && readable == 0) {
        requestComplete = true;
      } else {
        fail(FailureKind.BODY_DURING_RETRY, null);
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
      if (state != State.RESPONDING) {
        startResponseTimer();
      }
    } else if (upstream.isWritable()) {
      client.readRequestBody();
    } else {
      waitingForUpstreamWritable = true;
    }
  }

  @Override
  public void upstreamWritabilityChanged(boolean writable) {
    if (writable && waitingForUpstreamWritable && !isOver()) {
      waitingForUpstreamWritable = false;
      client.readRequestBody();
    }
  }

  // ---------------------------------------------------------------- response: upstream -> client

  @Override
  public void upstreamRead(HttpObject msg) {
    if (isOver()) {
      ReferenceCountUtil.release(msg);
      return;
    }
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
      fail(FailureKind.UPSTREAM_PROTOCOL, null);
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
    state = State.RESPONDING;
    status = code;
    upgrading = code == 101 && webSocket;
    if (!requestComplete || proxy.isDraining()) {
      closeAfterResponse = true;
    }
    upstreamKeepAlive = HttpUtil.isKeepAlive(res);
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
    filters.applyToResponse(res.headers());
    if (reason == ChoiceReason.PREVIEW) {
      PreviewCaching.makePrivate(res.headers());
    }
    if (setCookie != null) {
      res.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
    }
    client.write(res);
  }

  /**
   * The asset skew guard: an asset {@code GET} the chosen version answered 404 is asked of another
   * version ({@code AssetFallback}); the 404's connection drains in the background ({@link
   * AssetMissDrain}). The pin cookie stays as chosen.
   */
  private boolean assetMissFallsBack(HttpResponse res) {
    long now = System.nanoTime();
    boolean replayable = requestComplete && !requestBodySent && !webSocket;
    VersionTarget next = client.assetFallback().onNotFound(version, replayable, now);
    UpstreamEndpoint ep = next == null ? null : EndpointPicker.pick(next.endpoints(), null, now);
    if (ep == null) {
      return false;
    }
    cancelResponseTimer();
    boolean reusable = HttpUtil.isKeepAlive(res) && !proxy.isDraining();
    upstream.drainAssetMiss(client.pool(), reusable);
    upstream = null;
    endpoint.recordSuccess();
    finishEndpoint();
    version = next;
    reason = ChoiceReason.FALLBACK;
    attempts = 0;
    connect(ep);
    return true;
  }

  private void onResponseContent(HttpContent content) {
    boolean last = content instanceof LastHttpContent;
    if (skipInterimLast && last) {
      skipInterimLast = false;
      content.release();
      return;
    }
    if (state != State.RESPONDING) {
      content.release();
      return;
    }
    bytesOut += content.content().readableBytes();
    if (!last) {
      client.write(content);
      return;
    }
    ChannelFuture written = client.writeAndFlush(content);
    if (upgrading) {
      UpstreamConnection up = upstream;
      upstream = null;
      finishEndpoint();
      end(State.DONE, status);
      client.switchToRelay(up);
    } else {
      finish(written);
    }
  }

  @Override
  public void upstreamReadComplete() {
    client.flush();
    if (upstream != null && !isOver() && !client.isWritable()) {
      upstream.pauseReads(); // the client is full: stop reading the response
      waitingForClientWritable = true;
    }
  }

  /** The client channel's writability changed. */
  void clientWritabilityChanged(boolean writable) {
    if (writable && waitingForClientWritable) {
      waitingForClientWritable = false;
      if (upstream != null) {
        upstream.resumeReads();
      }
    }
  }

  private void finish(ChannelFuture lastWrite) {
    UpstreamConnection up = upstream;
    upstream = null;
    cancelResponseTimer();
    if (up != null) {
      if (requestComplete && upstreamKeepAlive && !proxy.isDraining()) {
        up.release(client.pool());
      } else {
        up.close();
      }
    }
    endpoint.recordSuccess();
    finishEndpoint();
    end(State.DONE, status);
    if (closeAfterResponse && requestComplete) {
      client.afterExchange(lastWrite, AfterExchange.CLOSE);
    } else if (closeAfterResponse) {
      // The upstream answered before the client finished sending (a 413 from the app, say).
      client.afterExchange(lastWrite, AfterExchange.LINGER_CLOSE);
    } else {
      client.afterExchange(lastWrite, AfterExchange.NEXT_REQUEST);
    }
  }

  // ---------------------------------------------------------------- failures

  @Override
  public void upstreamClosed() {
    if (!isOver() && upstream != null) {
      fail(FailureKind.UPSTREAM_CLOSED, null);
    }
  }

  @Override
  public void upstreamTimedOut(UpstreamTimeout timeout) {
    if (!isOver() && upstream != null) {
      fail(FailureKind.UPSTREAM_TIMEOUT, timeout.description());
    }
  }

  /** Times the response head from now, unless it is timed already. */
  private void startResponseTimer() {
    long timeout = proxy.config.upstream().responseTimeout().toNanos();
    if (timeout <= 0 || responseDeadline != 0) {
      return;
    }
    LazyTimer clock = client.responseClock();
    responseDeadline = (clock.now() + timeout) | 1; // never 0
    clock.runBy(responseDeadline);
  }

  /** Called by the connection's response clock: fails the exchange if the deadline passed. */
  void checkResponseDeadline() {
    if (responseDeadline == 0 || isOver()) {
      return;
    }
    LazyTimer clock = client.responseClock();
    if (clock.now() - responseDeadline < 0) {
      clock.runBy(responseDeadline);
      return;
    }
    responseDeadline = 0;
    if (state != State.RESPONDING) {
      fail(FailureKind.RESPONSE_TIMEOUT, null);
    }
  }

  private void cancelResponseTimer() {
    responseDeadline = 0;
  }

  /**
   * Ends or retries the exchange after a failure, as {@link FailureFunnel} decides: counts the
   * upstream error, lets go of the upstream connection (a reset after a timeout), counts the
   * failure towards ejecting the endpoint, tries another endpoint, or answers (502, 503, 504, 4xx)
   * or cuts the client connection. Does nothing once the exchange is over.
   */
  void fail(FailureKind kind, String detail) {
    if (isOver()) {
      return;
    }
    boolean responseStarted = state == State.RESPONDING;
    FailureFunnel.Decision d =
        proxy.failures.decide(
            kind,
            new FailureFunnel.Facts(
                responseStarted,
                upstream != null && upstream.reused(),
                kind == FailureKind.UPSTREAM_CLOSED && ReplayRule.mayResendAfterWrite(request),
                attempts,
                requestBodySent,
                version == null ? "-" : version.name(),
                detail));
    cancelResponseTimer();
    UpstreamConnection up = upstream;
    upstream = null;
    if (up != null) {
      if (d.resetUpstream()) {
        up.abort();
      } else {
        up.close();
      }
    }
    UpstreamEndpoint failed = endpoint;
    finishEndpoint();
    if (d.metric() != null) {
      version.meters().upstreamError(d.metric());
    }
    if (d.eject() && failed != null) {
      recordEndpointFailure(failed);
    }
    if (d.retry() && retry(d.avoidFailedEndpoint() ? failed : null)) {
      return;
    }
    if (d.status() != null) {
      answer(d.status(), d.reason(), d.mustClose());
    } else {
      end(State.FAILED, responseStarted ? status : 499);
      client.afterExchange(null, d.cut());
    }
  }

  /** Tries another endpoint of the same version. True when a retry started. */
  private boolean retry(UpstreamEndpoint avoid) {
    UpstreamEndpoint next = EndpointPicker.pick(version.endpoints(), avoid, System.nanoTime());
    if (next == null) {
      return false;
    }
    proxy.metrics.retried();
    connect(next);
    return true;
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

  /**
   * Answers with the gateway's own error. The connection stays open only when the rest of the
   * request is known to be empty and the client wants to keep it; otherwise it closes after a
   * linger, so the answer is not lost to a reset.
   */
  private void answer(HttpResponseStatus st, String why, boolean mustClose) {
    boolean close = closesAfterAnswer(mustClose);
    answer(GatewayErrors.response(client.alloc(), st, why, !close), close);
  }

  /** The route redirects: the gateway answers with the redirect, no upstream is contacted. */
  void redirect(RequestRedirect redirect, String path, String hostHeader, boolean https) {
    boolean close = closesAfterAnswer(false);
    answer(RedirectAnswer.response(redirect, path, hostHeader, https, !close), close);
  }

  private boolean closesAfterAnswer(boolean mustClose) {
    // mustClose first: a refused head's Content-Length may not even parse.
    return mustClose
        || FailureFunnel.closeAfterAnswer(
            keepAlive, proxy.isDraining(), ReplayRule.hasBody(request) && !requestComplete);
  }

  /** Sends the gateway's own answer {@code res} and ends the exchange. */
  private void answer(FullHttpResponse res, boolean close) {
    int code = res.status().code();
    status = code;
    end(code >= 400 ? State.FAILED : State.DONE, code);
    ChannelFuture f = client.writeAndFlush(res);
    if (close) {
      client.afterExchange(f, AfterExchange.LINGER_CLOSE);
    } else if (requestComplete) {
      client.afterExchange(f, AfterExchange.NEXT_REQUEST);
    } else {
      client.afterExchange(f, AfterExchange.DISCARD_BODY);
    }
  }

  // ---------------------------------------------------------------- end

  /** Records the exchange in metrics and the access log, and marks it over. */
  private void end(State terminal, int code) {
    abandonMirrorBody();
    if (isOver()) {
      return;
    }
    state = terminal;
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
        request.method().name(),
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
}
