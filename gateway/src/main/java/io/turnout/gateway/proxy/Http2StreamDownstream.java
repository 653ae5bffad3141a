package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnout.gateway.affinity.VersionChoice;
import io.turnout.gateway.assets.AssetFallback;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 stream as the {@link Downstream} of the one {@link Exchange} it carries: the request
 * comes from its HEADERS and DATA frames, the response goes out as frames of the same stream, all
 * on the connection's pipeline ({@link Http2StreamDispatcher}). No child channel, pipeline or
 * promise of its own: what Netty's multiplexer built per stream, and what made HTTP/2 cost more per
 * request than HTTP/1.1 here.
 *
 * <p>The request head is converted as Netty's stream codec converts it: {@code :authority} becomes
 * {@code Host}, {@code cookie} headers are joined, a body without {@code content-length} is marked
 * chunked so it streams to the upstream as such; the codec's own {@code x-http2-*} headers are
 * dropped (they describe this hop, not the request).
 *
 * <p>Back-pressure: the connection reads on (its control frames must get through), so the stream's
 * DATA frames wait here until the exchange asks for the next piece, and the bytes of a frame are
 * given back to the client's window (WINDOW_UPDATE) only when it is handed on: the stream's window
 * bounds what waits. Responses: the stream is unwritable while its send window, the connection's,
 * or the socket is full, and the exchange pauses the upstream then.
 *
 * <p>Ends: a response that is complete leaves the stream closed, or, when the client is still
 * sending, reads the rest away for a while and then resets it with NO_ERROR (RFC 9113 8.1); a
 * response cut short resets it with CANCEL. A client's reset, or the connection closing, ends the
 * exchange as a client that left (499).
 *
 * <p>Confined to the connection's event loop.
 */
final class Http2StreamDownstream implements Downstream {
  /** Stands in the body queue for the end of a request that had none (HEADERS with END_STREAM). */
  private static final Object END_OF_HEADERS_ONLY_REQUEST = new Object();

  private final Http2StreamDispatcher connection;
  private final ChannelHandlerContext ctx;
  private final Http2FrameStream stream;
  private final ProxyContext proxy;
  private final VersionChoice choice = new VersionChoice();
  private AssetFallback assetFallback; // made on first use
  private ArrayDeque<Object> body; // DATA frames, trailers or the end, not yet handed on
  private Exchange exchange;
  private boolean bodyWanted; // the exchange asked for a piece that has not arrived
  private boolean handingOn; // in the loop of handOn(): asks from inside it add no new loop
  private boolean discardingBody; // reading away the rest of a refused request's body
  private boolean lingering; // discarding after an early answer, for a while (linger())
  private long lingerBytesLeft;
  private ScheduledFuture<?> lingerTimer;
  private boolean closed;
  private ScheduledFuture<?> bodyTimer;
  private long bodyWaitStartNanos; // when the piece now awaited was asked for; 0 if none

  Http2StreamDownstream(
      Http2StreamDispatcher connection, ChannelHandlerContext ctx, Http2FrameStream stream) {
    this.connection = connection;
    this.ctx = ctx;
    this.stream = stream;
    this.proxy = connection.proxy();
  }

  // ---------------------------------------------------------------- frames from the client

  /** The stream's first HEADERS frame: the request head, and its end when it has no body. */
  void onRequestHeaders(Http2HeadersFrame frame) {
    HttpRequest req;
    try {
      req = HttpConversionUtil.toHttpRequest(stream.id(), frame.headers(), true);
    } catch (Http2Exception | RuntimeException e) {
      reset(Http2Error.PROTOCOL_ERROR);
      return;
    }
    HttpHeaders h = req.headers();
    for (HttpConversionUtil.ExtensionHeaderNames name :
        HttpConversionUtil.ExtensionHeaderNames.values()) {
      h.remove(name.text());
    }
    if (frame.isEndStream()) {
      queue(END_OF_HEADERS_ONLY_REQUEST);
    } else if (!HttpUtil.isContentLengthSet(req)) {
      h.add(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      // A failed write means the stream is gone; its close event ends the exchange.
      ctx.writeAndFlush(
          new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("100"), false)
              .stream(stream));
      h.remove(HttpHeaderNames.EXPECT);
    }
    exchange = new Exchange(this, proxy, req);
    exchange.start();
  }

  /** A HEADERS frame after the first: the request's trailers, which end it. */
  void onRequestTrailers(Http2HeadersFrame frame) {
    if (!frame.isEndStream()) {
      reset(Http2Error.PROTOCOL_ERROR); // a second head mid-request
      return;
    }
    queue(frame);
  }

  void onRequestData(Http2DataFrame frame) {
    queue(frame);
  }

  private void queue(Object piece) {
    if (closed) {
      ReferenceCountUtil.release(piece);
      return;
    }
    if (body == null) {
      body = new ArrayDeque<>(4);
    }
    body.add(piece);
    if (bodyWanted) {
      handOn();
    }
  }

  /**
   * Hands waiting pieces on while they are asked for; a loop, so a flood of frames recurses not.
   */
  private void handOn() {
    if (handingOn) {
      return;
    }
    handingOn = true;
    try {
      while (bodyWanted && body != null && !body.isEmpty()) {
        bodyWanted = false;
        bodyWaitStartNanos = 0;
        take(body.poll());
      }
    } finally {
      handingOn = false;
    }
    if (bodyWanted && !closed) {
      // Waiting for the network now: timed from here, by the timer already armed if there is one.
      if (bodyWaitStartNanos == 0) {
        bodyWaitStartNanos = System.nanoTime();
      }
      if (bodyTimer == null) {
        scheduleBodyTimer(proxy.config.limits().bodyReadTimeout().toNanos());
      }
    }
  }

  private void take(Object piece) {
    HttpContent content;
    if (piece == END_OF_HEADERS_ONLY_REQUEST) {
      content = LastHttpContent.EMPTY_LAST_CONTENT;
    } else if (piece instanceof Http2DataFrame data) {
      giveBackWindow(data.initialFlowControlledBytes());
      content =
          data.isEndStream()
              ? new DefaultLastHttpContent(data.content())
              : new DefaultHttpContent(data.content());
    } else {
      Http2HeadersFrame trailers = (Http2HeadersFrame) piece;
      LastHttpContent last = new DefaultLastHttpContent();
      try {
        HttpConversionUtil.addHttp2ToHttpHeaders(
            stream.id(),
            trailers.headers(),
            last.trailingHeaders(),
            HttpVersion.HTTP_1_1,
            true,
            true);
      } catch (Http2Exception e) {
        reset(Http2Error.PROTOCOL_ERROR);
        return;
      }
      content = last;
    }
    boolean last = content instanceof LastHttpContent;
    if (discardingBody) {
      if (lingering) {
        lingerBytesLeft -= content.content().readableBytes();
      }
      content.release();
      if (last) {
        discardingBody = false;
      } else if (lingering && lingerBytesLeft < 0) {
        reset(Http2Error.NO_ERROR); // lingered over LingeringClose.MAX_DISCARD
      } else {
        readRequestBody();
      }
      return;
    }
    if (exchange == null || exchange.isOver()) {
      content.release();
      return;
    }
    exchange.onRequestContent(content);
  }

  private void giveBackWindow(int bytes) {
    if (bytes > 0 && !closed) {
      ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(stream));
      ctx.flush();
    }
  }

  // ---------------------------------------------------------------- the stream's end

  /** The stream closed (both ends done, reset by either side, or the connection gone). */
  void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    if (body != null) {
      Object piece;
      while ((piece = body.poll()) != null) {
        ReferenceCountUtil.release(piece);
      }
    }
    if (bodyTimer != null) {
      bodyTimer.cancel(false);
      bodyTimer = null;
    }
    if (lingerTimer != null) {
      lingerTimer.cancel(false);
      lingerTimer = null;
    }
    if (exchange != null && !exchange.isOver()) {
      // 499 in the log: the client reset the stream (or left) before the response was complete.
      exchange.fail(FailureKind.CLIENT_CLOSED, null);
    }
  }

  /** Something failed while running this stream: the stream is reset, its exchange ends. */
  void abort() {
    reset(Http2Error.INTERNAL_ERROR);
    onClosed();
  }

  /** The connection's response clock ran: checks this stream's exchange's response deadline. */
  void checkResponseDeadline() {
    if (exchange != null && !exchange.isOver()) {
      exchange.checkResponseDeadline();
    }
  }

  /** The stream's writability (its window, the connection's, the socket's) may have changed. */
  void onWritabilityChanged() {
    if (exchange != null && !exchange.isOver()) {
      exchange.clientWritabilityChanged(isWritable());
    }
  }

  private void reset(Http2Error error) {
    if (closed) {
      return;
    }
    Http2Stream s = connection.codecStream(stream.id());
    if (s == null || s.state() == Http2Stream.State.CLOSED) {
      return;
    }
    ctx.writeAndFlush(new DefaultHttp2ResetFrame(error).stream(stream));
  }

  /**
   * The answer went out before the client finished sending its request: as {@link LingeringClose}
   * does for a connection, the rest of the body is read and dropped, for at most {@link
   * LingeringClose#LINGER_MILLIS} and {@link LingeringClose#MAX_DISCARD} bytes, then the stream is
   * reset with NO_ERROR (RFC 9113 8.1). A reset right away would lose the answer with clients that
   * read nothing until they have sent everything (curl 7.88 does so).
   */
  private void linger() {
    if (closed) {
      return;
    }
    lingering = true;
    lingerBytesLeft = LingeringClose.MAX_DISCARD;
    lingerTimer =
        ctx.executor()
            .schedule(
                () -> {
                  lingerTimer = null;
                  reset(Http2Error.NO_ERROR);
                },
                LingeringClose.LINGER_MILLIS,
                TimeUnit.MILLISECONDS);
    discardingBody = true;
    readRequestBody();
  }

  /** Resets the stream once {@code lastWrite} is out, unless the client has ended it by then. */
  private void resetAfter(ChannelFuture lastWrite, Http2Error error) {
    if (lastWrite == null) {
      reset(error);
    } else {
      lastWrite.addListener(f -> reset(error));
    }
  }

  private void scheduleBodyTimer(long delayNanos) {
    bodyTimer = ctx.executor().schedule(this::onBodyTimer, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void onBodyTimer() {
    bodyTimer = null;
    long start = bodyWaitStartNanos;
    if (start == 0 || closed) {
      return; // not waiting for the client now; the next wait re-arms the timer
    }
    long left = proxy.config.limits().bodyReadTimeout().toNanos() - (System.nanoTime() - start);
    if (left > 0) {
      scheduleBodyTimer(left);
      return;
    }
    bodyWaitStartNanos = 0;
    if (exchange != null && !exchange.isOver()) {
      exchange.fail(FailureKind.BODY_TIMEOUT, null);
    } else {
      reset(Http2Error.CANCEL); // discarding the rest of a refused request's body
    }
  }

  // ---------------------------------------------------------------- Downstream

  @Override
  public void write(HttpObject msg) {
    Http2ResponseFrames.write(ctx, stream, msg);
  }

  @Override
  public ChannelFuture writeAndFlush(HttpObject msg) {
    ChannelFuture f = Http2ResponseFrames.write(ctx, stream, msg);
    ctx.flush();
    return f;
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public boolean isWritable() {
    return connection.isWritable(stream.id());
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
  public void readRequestBody() {
    bodyWanted = true;
    handOn();
  }

  @Override
  public void afterExchange(ChannelFuture lastWrite, AfterExchange next) {
    switch (next) {
      case NEXT_REQUEST, NOTHING -> {}
      case DISCARD_BODY -> {
        discardingBody = true;
        readRequestBody();
      }
      case CLOSE -> resetAfter(lastWrite, Http2Error.NO_ERROR);
      case LINGER_CLOSE -> linger();
      case CUT, RESET -> reset(Http2Error.CANCEL);
    }
  }

  @Override
  public void switchToRelay(UpstreamConnection up) {
    // Unreachable: HTTP/2 refuses the Upgrade header, so no exchange here asks for a WebSocket.
    up.close();
    reset(Http2Error.CANCEL);
  }

  @Override
  public LazyTimer responseClock() {
    return connection.responseClock();
  }

  @Override
  public UpstreamPool pool() {
    return connection.pool();
  }

  @Override
  public VersionChoice choice() {
    return choice;
  }

  @Override
  public AssetFallback assetFallback() {
    if (assetFallback == null) {
      assetFallback = new AssetFallback(proxy.metrics.assets());
    }
    return assetFallback;
  }

  @Override
  public ClientAddress address() {
    return connection.address();
  }
}
