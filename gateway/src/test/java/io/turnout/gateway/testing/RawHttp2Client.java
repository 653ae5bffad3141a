package io.turnout.gateway.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A raw HTTP/2 client for attack tests: writes whatever frames a test asks for with Netty's {@link
 * DefaultHttp2FrameWriter} (no client-side checks: its HPACK encoder ignores header list limits)
 * over a plain TCP connection (h2c), and records what the server answers: GOAWAY, RST_STREAM and
 * response statuses.
 *
 * <p>Frames are written on the connection's event loop through {@link #send}.
 */
public final class RawHttp2Client implements AutoCloseable {
  private static final EventLoopGroup GROUP =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

  public final DefaultHttp2FrameWriter writer =
      new DefaultHttp2FrameWriter(
          new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true));
  private final DefaultHttp2FrameReader reader =
      new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(false, 1 << 20));

  /** The error code of the GOAWAY received, or -1. */
  public final AtomicLong goAwayError = new AtomicLong(-1);

  /** RST_STREAM error codes received, by stream id. */
  public final Map<Integer, Long> resets = new ConcurrentHashMap<>();

  /** Response statuses received, by stream id. */
  public final Map<Integer, String> statuses = new ConcurrentHashMap<>();

  /** Every status received (interim ones first), by stream id. */
  public final Map<Integer, java.util.List<String>> statusHistory = new ConcurrentHashMap<>();

  /** Streams whose response ended (END_STREAM seen). */
  public final Map<Integer, Boolean> ended = new ConcurrentHashMap<>();

  private final Channel channel;
  private ChannelHandlerContext ctx;

  private RawHttp2Client(int port, boolean read) throws InterruptedException {
    Bootstrap b =
        new Bootstrap()
            .group(GROUP)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, read)
            .handler(new Io());
    if (!read) {
      b.option(ChannelOption.SO_RCVBUF, 4096);
    }
    channel = b.connect("127.0.0.1", port).sync().channel();
  }

  /**
   * Connects to an h2c port and sends the preface and an empty SETTINGS frame.
   *
   * @param read false to never read what the server sends (a client that lets acks pile up)
   */
  public static RawHttp2Client connect(int port, boolean read) throws InterruptedException {
    RawHttp2Client c = new RawHttp2Client(port, read);
    c.send(
        ctx -> {
          ctx.write(Http2CodecUtil.connectionPrefaceBuf());
          c.writer.writeSettings(ctx, new Http2Settings(), ctx.newPromise());
        });
    return c;
  }

  /** Runs {@code frames} on the event loop with the connection's context, then flushes. */
  public io.netty.util.concurrent.Future<?> send(Consumer<ChannelHandlerContext> frames) {
    return channel
        .eventLoop()
        .submit(
            () -> {
              frames.accept(ctx);
              ctx.flush();
            });
  }

  /** A request's headers: {@code :method}, {@code :path}, {@code :scheme http}, authority. */
  public static Http2Headers request(String method, String authority, String path) {
    return new DefaultHttp2Headers().method(method).path(path).scheme("http").authority(authority);
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Starts reading what the server sent (for a client connected with read false). */
  public void startReading() {
    channel.config().setAutoRead(true);
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /** Reads frames off the accumulated bytes: a frame split across reads waits for its rest. */
  private final class Io extends ByteToMessageDecoder {
    @Override
    public void handlerAdded(ChannelHandlerContext c) {
      ctx = c;
    }

    @Override
    protected void decode(ChannelHandlerContext c, ByteBuf in, List<Object> out)
        throws Http2Exception {
      reader.readFrame(c, in, new Recorder());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
      c.close(); // a reset from the server ends the test client too
    }
  }

  /** SETTINGS acks and PING acks received. */
  public final AtomicLong acks = new AtomicLong();

  private final class Recorder extends Http2FrameAdapter {
    @Override
    public void onSettingsAckRead(ChannelHandlerContext c) {
      acks.incrementAndGet();
    }

    @Override
    public void onPingAckRead(ChannelHandlerContext c, long data) {
      acks.incrementAndGet();
    }

    @Override
    public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long error, ByteBuf debug) {
      goAwayError.set(error);
    }

    @Override
    public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
      resets.put(streamId, errorCode);
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext c, int streamId, Http2Headers headers, int padding, boolean end) {
      if (headers.status() != null) {
        statuses.put(streamId, headers.status().toString());
        statusHistory
            .computeIfAbsent(streamId, id -> new java.util.concurrent.CopyOnWriteArrayList<>())
            .add(headers.status().toString());
      }
      if (end) {
        ended.put(streamId, true);
      }
    }

    @Override
    public void onHeadersRead(
        ChannelHandlerContext c,
        int streamId,
        Http2Headers headers,
        int dependency,
        short weight,
        boolean exclusive,
        int padding,
        boolean end) {
      onHeadersRead(c, streamId, headers, padding, end);
    }

    @Override
    public int onDataRead(
        ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean end) {
      if (end) {
        ended.put(streamId, true);
      }
      return data.readableBytes() + padding;
    }
  }

  /** An empty buffer, for DATA frames without payload. */
  public static ByteBuf empty() {
    return Unpooled.EMPTY_BUFFER;
  }
}
