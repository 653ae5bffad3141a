package io.turnout.gateway.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small real HTTP server to proxy to in tests, on loopback. It streams (never aggregates), so
 * gigabyte bodies pass with a small heap. Endpoints:
 *
 * <ul>
 *   <li>{@code GET /any}: 200, body = the server's name, header {@code X-Served-By: name};
 *   <li>{@code GET /bytes?n=N}: N bytes, streamed in 64 KiB chunks as the socket drains ({@code
 *       &chunked=1} for chunked encoding);
 *   <li>{@code POST /upload}: reads the whole body, answers its length;
 *   <li>{@code GET /slow?ms=N}: answers after N ms;
 *   <li>{@code GET /stall?n=N}: a head announcing 2N bytes ({@code &chunked=1}: chunked), N bytes,
 *       then silence with the connection open;
 *   <li>{@code GET /close}: closes the connection without answering;
 *   <li>{@code GET /garbage}: answers bytes that are not HTTP;
 *   <li>{@code /ws}: WebSocket echo (text frames), when started with {@link #startWithWebSocket};
 *   <li>any path under a prefix given to {@link #answerNotFoundUnder}: 404 with a short body (a
 *       version that does not have a file).
 * </ul>
 *
 * Counts connections, requests (heads) and completed requests (whole bodies), and keeps the last
 * request's headers, for assertions.
 */
public final class TestUpstream implements AutoCloseable {
  private static final EventLoopGroup GROUP =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

  private final String name;
  private final Channel channel;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger completed = new AtomicInteger();
  private final AtomicLong bytesReceived = new AtomicLong();
  private final AtomicReference<HttpHeaders> lastHeaders = new AtomicReference<>();
  private final AtomicReference<String> lastUri = new AtomicReference<>();
  private volatile List<String> notFoundPrefixes = List.of();

  private final boolean oneRequestPerConnection;
  private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);

  private TestUpstream(String name, int port, boolean webSocket) throws InterruptedException {
    this(name, port, webSocket, false);
  }

  private TestUpstream(String name, int port, boolean webSocket, boolean oneRequestPerConnection)
      throws InterruptedException {
    this.name = name;
    this.oneRequestPerConnection = oneRequestPerConnection;
    this.channel =
        new ServerBootstrap()
            .group(GROUP)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.incrementAndGet();
                    children.add(ch);
                    ch.pipeline().addLast(new HttpServerCodec());
                    if (webSocket) {
                      ch.pipeline()
                          .addLast(new HttpObjectAggregator(65536))
                          .addLast(new WebSocketServerProtocolHandler("/ws"))
                          .addLast(new WebSocketEcho(name));
                    } else {
                      ch.pipeline().addLast(new Handler());
                    }
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
  }

  public static TestUpstream start(String name) throws InterruptedException {
    return new TestUpstream(name, 0, false);
  }

  /** Starts on a given port (to bring an endpoint back where the config expects it). */
  public static TestUpstream start(String name, int port) throws InterruptedException {
    return new TestUpstream(name, port, false);
  }

  /**
   * Starts a server that answers the first request of each connection with keep-alive, then closes
   * the connection when the next request arrives, unanswered: the race a proxy loses when an
   * upstream's keep-alive timeout fires just as a pooled connection is reused.
   */
  public static TestUpstream startOneRequestPerConnection(String name) throws InterruptedException {
    return new TestUpstream(name, 0, false, true);
  }

  public static TestUpstream startWithWebSocket(String name) throws InterruptedException {
    return new TestUpstream(name, 0, true);
  }

  /** From now on, answers 404 (any method) for paths starting with one of {@code prefixes}. */
  public TestUpstream answerNotFoundUnder(String... prefixes) {
    notFoundPrefixes = List.of(prefixes);
    return this;
  }

  public String name() {
    return name;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** {@code 127.0.0.1:port}, as the config names an endpoint. */
  public String endpoint() {
    return "127.0.0.1:" + port();
  }

  public int connectionsAccepted() {
    return connections.get();
  }

  /** Connections open right now. */
  public int openConnections() {
    return children.size();
  }

  public int requestsReceived() {
    return requests.get();
  }

  /** Requests whose body arrived whole (the last chunk decoded cleanly). */
  public int requestsCompleted() {
    return completed.get();
  }

  public long bytesReceived() {
    return bytesReceived.get();
  }

  public HttpHeaders lastHeaders() {
    return lastHeaders.get();
  }

  public String lastUri() {
    return lastUri.get();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /**
   * Stops like a crashed process: the listener and every open connection close at once, whatever
   * they were doing.
   */
  public void kill() {
    channel.close().syncUninterruptibly();
    children.close().syncUninterruptibly();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    private String path;
    private QueryStringDecoder query;
    private boolean keepAlive;
    private long uploaded;
    private Streamer streamer;
    private int served;

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (streamer != null && ctx.channel().isWritable()) {
        streamer.next();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (!ctx.channel().isActive()) {
          return; // closed on purpose while a read batch was still being decoded
        }
        if (msg instanceof HttpRequest req) {
          if (oneRequestPerConnection && served++ > 0) {
            ctx.close();
            return;
          }
          requests.incrementAndGet();
          lastHeaders.set(req.headers().copy());
          lastUri.set(req.uri());
          query = new QueryStringDecoder(req.uri());
          path = query.path();
          keepAlive = HttpUtil.isKeepAlive(req);
          uploaded = 0;
          if (path.equals("/close")) {
            ctx.close();
            return;
          }
          if (path.equals("/garbage")) {
            ctx.writeAndFlush(
                    Unpooled.copiedBuffer("NOT HTTP AT ALL\r\n\r\n", StandardCharsets.US_ASCII))
                .addListener(ChannelFutureListener.CLOSE);
            return;
          }
        }
        if (msg instanceof HttpContent content) {
          int n = content.content().readableBytes();
          uploaded += n;
          bytesReceived.addAndGet(n);
          if (content instanceof LastHttpContent && content.decoderResult().isSuccess()) {
            completed.incrementAndGet();
            respond(ctx);
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void respond(ChannelHandlerContext ctx) {
      for (String missing : notFoundPrefixes) {
        if (path.startsWith(missing)) {
          text(ctx, HttpResponseStatus.NOT_FOUND, "not found in " + name);
          return;
        }
      }
      switch (path) {
        case "/bytes" -> streamBytes(ctx);
        case "/stall" -> stall(ctx);
        case "/upload" -> text(ctx, Long.toString(uploaded));
        case "/slow" -> {
          long ms = Long.parseLong(param("ms", "1000"));
          ctx.executor().schedule(() -> text(ctx, name), ms, TimeUnit.MILLISECONDS);
        }
        default -> text(ctx, name);
      }
    }

    private String param(String key, String dflt) {
      var values = query.parameters().get(key);
      return values == null || values.isEmpty() ? dflt : values.get(0);
    }

    private void text(ChannelHandlerContext ctx, String body) {
      text(ctx, HttpResponseStatus.OK, body);
    }

    private void text(ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      FullHttpResponse res =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(bytes));
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
          .set("X-Served-By", name);
      HttpUtil.setKeepAlive(res, keepAlive);
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void stall(ChannelHandlerContext ctx) {
      int n = Integer.parseInt(param("n", "1024"));
      HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      if ("1".equals(param("chunked", "0"))) {
        HttpUtil.setTransferEncodingChunked(res, true);
      } else {
        HttpUtil.setContentLength(res, 2L * n);
      }
      ctx.write(res);
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.buffer(n).writeZero(n)));
    }

    private void streamBytes(ChannelHandlerContext ctx) {
      long total = Long.parseLong(param("n", "0"));
      boolean chunked = "1".equals(param("chunked", "0"));
      HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
      res.headers().set("X-Served-By", name);
      if (chunked) {
        HttpUtil.setTransferEncodingChunked(res, true);
      } else {
        HttpUtil.setContentLength(res, total);
      }
      HttpUtil.setKeepAlive(res, keepAlive);
      ctx.write(res);
      streamer = new Streamer(ctx, total, keepAlive);
      streamer.next();
    }
  }

  /** Byte {@code offset} of a {@code /bytes} body. */
  public static byte patternByte(long offset) {
    return (byte) ((offset % Streamer.CHUNK) % 251);
  }

  /** Writes a large body chunk by chunk, each only when the socket can take it. */
  private static final class Streamer {
    private static final int CHUNK = 64 * 1024;

    /** Byte {@code i} of every chunk is {@code i % 251}: {@link #patternByte} checks a body. */
    private static final ByteBuf PATTERN = pattern();

    private static ByteBuf pattern() {
      ByteBuf b = Unpooled.directBuffer(CHUNK);
      for (int i = 0; i < CHUNK; i++) {
        b.writeByte(i % 251);
      }
      return Unpooled.unreleasableBuffer(b).asReadOnly();
    }

    private final ChannelHandlerContext ctx;
    private final boolean keepAlive;
    private long remaining;
    private boolean done;

    Streamer(ChannelHandlerContext ctx, long total, boolean keepAlive) {
      this.ctx = ctx;
      this.remaining = total;
      this.keepAlive = keepAlive;
    }

    void next() {
      if (done) {
        return;
      }
      while (remaining > 0 && ctx.channel().isWritable()) {
        int n = (int) Math.min(CHUNK, remaining);
        remaining -= n;
        ctx.write(new DefaultHttpContent(PATTERN.retainedSlice(0, n)));
      }
      if (remaining == 0) {
        done = true;
        var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
          f.addListener(ChannelFutureListener.CLOSE);
        }
        return;
      }
      ctx.flush(); // the handler calls next() again when the socket drains
    }
  }

  private static final class WebSocketEcho extends ChannelInboundHandlerAdapter {
    private final String name;

    WebSocketEcho(String name) {
      this.name = name;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TextWebSocketFrame frame) {
        String text = frame.text();
        frame.release();
        ctx.writeAndFlush(new TextWebSocketFrame(name + ":" + text));
      } else {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
