package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnout.gateway.affinity.VersionChoice;
import io.turnout.gateway.assets.AssetFallback;
import java.util.concurrent.TimeUnit;

/**
 * A client connection's state, and the {@link Exchange}s it runs one at a time (Armeria's {@code
 * HttpServerHandler} idea: the connection handler keeps connection state only). It knows who the
 * client is (address, trusted hop, TLS), reads the client on demand, times the request body's
 * arrival, and decides in {@link #afterExchange} what the connection does when an exchange ends
 * (next request, discard a refused body, close, cut). Everything about one request lives in its
 * exchange; a request head creates the next one.
 *
 * <p>Back-pressure: the client channel reads only on demand (auto-read off, one message per read
 * asked for, through its {@link MessageGate}); the exchange asks for each body piece ({@link
 * #readRequestBody}). Pipelined requests wait in the gate until the current response is done.
 *
 * <p>{@code Expect: 100-continue} is answered here, when the request's turn comes: a pipelined
 * request's {@code 100 Continue} follows the responses before it.
 *
 * <p>Timeouts: each piece of the request body must arrive within {@code limits.bodyReadTimeout}
 * while the gateway is reading (408); the rest are the exchange's and its upstream connection's. A
 * client that stops reading is reset by {@link ClientSendTimeoutHandler}, which ends the exchange
 * like any client close.
 *
 * <p>HTTP/1.1 only: an HTTP/2 connection runs each stream's exchange from {@link
 * Http2StreamDispatcher} instead.
 *
 * <p>Confined to the client channel's event loop, as is every exchange and upstream connection it
 * uses.
 */
final class ProxyFrontendHandler extends ChannelInboundHandlerAdapter implements Downstream {
  private static final FullHttpResponse CONTINUE =
      new DefaultFullHttpResponse(
          HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
  private final ProxyContext proxy;
  private final ClientTimeoutHandler timeouts;
  // Reused by each exchange in turn, so routing a pinned request allocates nothing for them.
  private final VersionChoice choice = new VersionChoice();
  private final AssetFallback assetFallback;
  private final MessageGate gate = new MessageGate();
  private ChannelHandlerContext ctx;
  private ClientAddress address;
  private Exchange current; // the exchange running; null between exchanges
  private boolean discardingRequestBody; // reading away the rest of a refused request's body
  private ScheduledFuture<?> bodyTimer;
  private LazyTimer responseClock; // the exchanges' response-head deadlines; made on first use
  private long bodyWaitStartNanos; // when the body read now pending was asked for; 0 if none

  /**
   * @param timeouts the connection's header and keep-alive timers, or null where there are none (an
   *     HTTP/2 stream, whose connection keeps its own)
   */
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
    address = ClientAddress.of(ctx.channel(), proxy);
    readMore();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (gate.admit(msg)) {
      take(msg);
    }
  }

  /** Asks for the next decoded message: a held one now, else the socket's next. */
  private void readMore() {
    Object next = gate.next();
    if (next != null) {
      take(next);
    } else {
      ctx.read();
    }
  }

  private void take(Object msg) {
    if (msg instanceof HttpRequest req) {
      onRequestHead(req);
    } else if (msg instanceof HttpContent content) {
      onRequestContent(content);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onRequestHead(HttpRequest req) {
    if (timeouts != null) {
      timeouts.requestHeadReceived();
    }
    if (exchangeRunning() || discardingRequestBody) {
      // Cannot happen while reads are on demand; refuse rather than mix two exchanges.
      ReferenceCountUtil.release(req);
      ctx.close();
      return;
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(CONTINUE.retainedDuplicate())
          .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      req.headers().remove(HttpHeaderNames.EXPECT);
    }
    current = new Exchange(this, proxy, req);
    current.start();
  }

  private void onRequestContent(HttpContent content) {
    bodyWaitStartNanos = 0;
    if (content.decoderResult().isFailure()) {
      // A chunk size or delimiter the decoder could not read: where the body ends is unknown, so
      // the upstream connection is dropped mid-request (it never sees a complete one) and the
      // client's is closed.
      content.release();
      discardingRequestBody = false;
      if (exchangeRunning()) {
        current.fail(FailureKind.BODY_MALFORMED, null);
      } else {
        ctx.close();
      }
      return;
    }
    if (discardingRequestBody) {
      content.release();
      if (content instanceof LastHttpContent) {
        discardingRequestBody = false;
        readNextRequest();
      } else {
        readRequestBody();
      }
      return;
    }
    if (!exchangeRunning()) {
      content.release();
      return;
    }
    current.onRequestContent(content);
  }

  private boolean exchangeRunning() {
    return current != null && !current.isOver();
  }

  /**
   * Asks the client for the next piece of the request body. The wait is timed: a client that stops
   * sending mid-body (a slow POST) would otherwise hold this connection and an upstream one for as
   * long as it likes. Time the gateway spends not reading, because the upstream is not taking the
   * body, does not count.
   */
  @Override
  public void readRequestBody() {
    bodyWaitStartNanos = System.nanoTime();
    if (bodyTimer == null) {
      scheduleBodyTimer(proxy.config.limits().bodyReadTimeout().toNanos());
    }
    readMore();
  }

  /**
   * The timer of this connection's response-head deadlines ({@code upstream.responseTimeout}): one
   * per connection, so a keep-alive connection schedules about once per timeout period instead of
   * once per request. It asks the running exchange to check its deadline.
   */
  @Override
  public LazyTimer responseClock() {
    if (responseClock == null) {
      responseClock =
          new LazyTimer(
              ctx.executor(),
              () -> {
                if (exchangeRunning()) {
                  current.checkResponseDeadline();
                }
              });
    }
    return responseClock;
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
    if (exchangeRunning()) {
      current.fail(FailureKind.BODY_TIMEOUT, null);
    } else {
      ctx.close(); // discarding the rest of a refused request's body
    }
  }

  /**
   * What the connection does once an exchange ended: the one place that keeps it alive or closes
   * it.
   *
   * @param lastWrite the exchange's last write to the client, or null when it wrote nothing
   */
  @Override
  public void afterExchange(ChannelFuture lastWrite, AfterExchange next) {
    if (current != null && current.isOver()) {
      // An idle keep-alive connection holds no request: 10,000 of them held 10 MiB of finished
      // exchanges, their requests and headers.
      current = null;
    }
    switch (next) {
      case NEXT_REQUEST -> readNextRequest();
      case DISCARD_BODY -> {
        discardingRequestBody = true;
        readRequestBody();
      }
      case CLOSE -> lastWrite.addListener(ChannelFutureListener.CLOSE);
      case LINGER_CLOSE -> LingeringClose.closeAfter(lastWrite);
      case CUT -> ctx.close();
      case RESET -> AbortiveClose.reset(ctx.channel());
      case NOTHING -> {}
    }
  }

  private void readNextRequest() {
    bodyWaitStartNanos = 0;
    if (timeouts != null) {
      timeouts.awaitingNextRequest();
    }
    readMore();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.clientWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  /**
   * After a {@code 101} to a WebSocket upgrade: both connections leave HTTP and a {@link
   * RawRelayHandler} on each moves bytes the other way.
   */
  @Override
  public void switchToRelay(UpstreamConnection up) {
    if (timeouts != null) {
      timeouts.disable();
    }
    Channel client = ctx.channel();
    TunnelIdleTimeout idle =
        new TunnelIdleTimeout(
            client, up.channel(), proxy.config.limits().tunnelIdleTimeout().toNanos());
    RawRelayHandler toUpstream = new RawRelayHandler(up.channel(), idle);
    ChannelPipeline cp = client.pipeline();
    cp.addLast("relay", toUpstream);
    RawRelayHandler toClient = up.switchToRelay(client, idle);
    // Removing a codec hands any bytes it still buffers on to the relay. Messages it already
    // decoded are not bytes any more: the gate drops them (handlerRemoved).
    cp.remove(this);
    cp.remove("http");
    toUpstream.start();
    toClient.start();
    idle.start();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    gate.releaseAll();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    gate.releaseAll();
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
    if (responseClock != null) {
      responseClock.cancel();
    }
    if (current != null) {
      // 499 in the log: the client closed the connection before the response was complete.
      current.fail(FailureKind.CLIENT_CLOSED, null);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == ProxyContext.CloseIdleEvent.INSTANCE) {
      if (exchangeRunning()) {
        current.closeAfterResponse();
      } else if (!discardingRequestBody) {
        ctx.close(); // idle keep-alive connection: nothing to finish
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  // ---------------------------------------------------------------- what exchanges read

  /** The exchange running, or the last one; null before the first request. */
  Exchange current() {
    return current;
  }

  @Override
  public void write(HttpObject msg) {
    ctx.write(msg);
  }

  @Override
  public ChannelFuture writeAndFlush(HttpObject msg) {
    return ctx.writeAndFlush(msg);
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public ByteBufAllocator alloc() {
    return ctx.alloc();
  }

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public UpstreamPool pool() {
    return proxy.pool(ctx.channel().eventLoop());
  }

  @Override
  public VersionChoice choice() {
    return choice;
  }

  @Override
  public AssetFallback assetFallback() {
    return assetFallback;
  }

  @Override
  public ClientAddress address() {
    return address;
  }
}
