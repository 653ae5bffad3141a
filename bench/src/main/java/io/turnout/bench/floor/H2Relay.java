package io.turnout.bench.floor;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.turnout.gateway.proxy.TlsContexts;
import io.turnout.gateway.proxy.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The floor under an HTTP/2 proxy built on Netty: TLS (Turnout's own {@link TlsContexts}, so
 * BoringSSL with the same protocols), Netty's {@code Http2FrameCodec}, and each stream sent over a
 * pooled HTTP/1.1 keep-alive connection to one app. Two ways to run the streams: one child channel
 * per stream ({@code Http2MultiplexHandler}) whose frames become HTTP/1 objects ({@code
 * Http2StreamFrameToHttpObjectCodec}), the way Netty offers it and the way Turnout ran streams
 * before; or ({@code frames}) one handler on the connection that turns each stream's frames into
 * HTTP/1 objects and back, the way Turnout runs them now. Responses of every stream finished in one
 * event-loop turn leave in one flush, as in the gateway. Nothing else: no routing, cookie, header
 * rewrite, metric, timeout or limit.
 *
 * <p>Not a proxy anyone should run (nothing is validated, a failed upstream closes the stream); it
 * is the HTTP/2 benchmark's {@code relay-h2} and {@code relay-h2-frames} targets, which say how
 * much of the gap to nginx and HAProxy comes with Netty's HTTP/2 stack and how much is Turnout's
 * own work per stream.
 *
 * <p>Usage: {@code java -cp turnout-bench.jar io.turnout.bench.floor.H2Relay PORT UPSTREAM_PORT
 * CERT_PEM KEY_PEM [THREADS [frames]]}. Confined to Netty's event loops: a stream, its connection
 * and the upstream connection it borrows share one, and each loop has its own pool of idle upstream
 * connections.
 */
public final class H2Relay {
  private static final FastThreadLocal<ArrayDeque<UpstreamSide>> IDLE =
      new FastThreadLocal<>() {
        @Override
        protected ArrayDeque<UpstreamSide> initialValue() {
          return new ArrayDeque<>();
        }
      };

  private H2Relay() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: H2Relay PORT UPSTREAM_PORT CERT_PEM KEY_PEM [THREADS [frames]]");
      System.exit(2);
    }
    boolean frames = args.length > 5 && args[5].equals("frames");
    int port = Integer.parseInt(args[0]);
    int upstreamPort = Integer.parseInt(args[1]);
    SslContext tls =
        TlsContexts.forServer(
            Files.readAllBytes(Path.of(args[2])),
            Files.readAllBytes(Path.of(args[3])),
            "tls",
            true);
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    Transport transport = Transport.best();
    ChannelInitializer<Channel> stream =
        new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(new Http2StreamFrameToHttpObjectCodec(true))
                .addLast(new StreamSide(transport, upstreamPort));
          }
        };
    FloorListener.serveUntilStopped(
        transport,
        "h2relay",
        port,
        threads,
        true,
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline()
                .addLast(tls.newHandler(ch.alloc()))
                .addLast(
                    new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                      @Override
                      protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                        if (!ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                          ctx.close(); // the floor speaks h2 only
                          return;
                        }
                        ctx.pipeline()
                            .addLast(new FlushConsolidationHandler(256, true))
                            .addLast(Http2FrameCodecBuilder.forServer().build())
                            .addLast(
                                frames
                                    ? new FrameSide(transport, upstreamPort)
                                    : new Http2MultiplexHandler(stream));
                      }
                    });
          }
        },
        "h2 relay ("
            + (frames ? "frames" : "streams")
            + ") on 127.0.0.1:"
            + port
            + " -> :"
            + upstreamPort);
  }

  /** Opens an upstream HTTP/1.1 connection on {@code loop} for {@code side}. */
  private static ChannelFuture connectUpstream(
      EventLoop loop, Transport transport, int port, UpstreamSide side) {
    return new Bootstrap()
        .group(loop)
        .channel(transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec()).addLast(side);
              }
            })
        .connect("127.0.0.1", port);
  }

  /** A stream: borrows an upstream connection for its request, gives it back after the answer. */
  private static final class StreamSide extends ChannelInboundHandlerAdapter {
    private final Transport transport;
    private final int upstreamPort;
    private UpstreamSide upstream;
    private List<Object> early; // request parts read while the upstream connection was opening

    StreamSide(Transport transport, int upstreamPort) {
      this.transport = transport;
      this.upstreamPort = upstreamPort;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (upstream == null) {
        upstream = IDLE.get().poll();
        if (upstream == null) {
          early = new ArrayList<>(2);
          early.add(msg);
          connect(ctx.channel());
          return;
        }
        upstream.bind(ctx.channel());
      }
      if (early != null) {
        early.add(msg);
        return;
      }
      upstream.channel.write(msg, upstream.channel.voidPromise());
      if (msg instanceof LastHttpContent) {
        upstream.channel.flush();
      }
    }

    private void connect(Channel stream) {
      UpstreamSide side = new UpstreamSide();
      upstream = side;
      side.bind(stream);
      connectUpstream(stream.eventLoop(), transport, upstreamPort, side)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    List<Object> queued = early;
                    early = null;
                    if (!f.isSuccess()) {
                      queued.forEach(ReferenceCountUtil::release);
                      stream.close();
                      return;
                    }
                    side.channel = f.channel();
                    for (Object m : queued) {
                      side.channel.write(m, side.channel.voidPromise());
                    }
                    side.channel.flush();
                  });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (early != null) {
        early.forEach(ReferenceCountUtil::release);
        early = null;
      }
    }
  }

  /**
   * The {@code frames} mode: no child channels. One handler on the connection turns each stream's
   * HEADERS and DATA frames into HTTP/1 objects for a borrowed upstream connection, and the
   * response back into frames ({@link UpstreamSide} writes them on the connection).
   */
  private static final class FrameSide extends ChannelInboundHandlerAdapter {
    private final Transport transport;
    private final int upstreamPort;
    private final io.netty.util.collection.IntObjectHashMap<UpstreamSide> byStream =
        new io.netty.util.collection.IntObjectHashMap<>();

    FrameSide(Transport transport, int upstreamPort) {
      this.transport = transport;
      this.upstreamPort = upstreamPort;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof Http2HeadersFrame hf) {
        int id = hf.stream().id();
        HttpRequest req = HttpConversionUtil.toHttpRequest(id, hf.headers(), true);
        UpstreamSide up = IDLE.get().poll();
        if (up == null) {
          up = new UpstreamSide();
          up.bindFrames(ctx, hf.stream());
          byStream.put(id, up);
          connect(ctx.channel(), up, req, hf.isEndStream());
          return;
        }
        up.bindFrames(ctx, hf.stream());
        byStream.put(id, up);
        up.channel.write(req, up.channel.voidPromise());
        if (hf.isEndStream()) {
          up.channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, up.channel.voidPromise());
        }
      } else if (msg instanceof Http2DataFrame df) {
        int id = df.stream().id();
        int bytes = df.initialFlowControlledBytes();
        UpstreamSide up = byStream.get(id);
        if (up == null || up.channel == null) {
          df.release(); // a body before the connection: the floor has no bodies to relay
        } else {
          up.channel.writeAndFlush(
              df.isEndStream()
                  ? new DefaultLastHttpContent(df.content())
                  : new DefaultHttpContent(df.content()),
              up.channel.voidPromise());
        }
        if (bytes > 0) {
          ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(df.stream()));
        }
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    private void connect(Channel connection, UpstreamSide side, HttpRequest req, boolean end) {
      connectUpstream(connection.eventLoop(), transport, upstreamPort, side)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (!f.isSuccess()) {
                      connection.close();
                      return;
                    }
                    side.channel = f.channel();
                    side.channel.write(req, side.channel.voidPromise());
                    if (end) {
                      side.channel.write(
                          LastHttpContent.EMPTY_LAST_CONTENT, side.channel.voidPromise());
                    }
                    side.channel.flush();
                  });
    }

    void done(int streamId) {
      byStream.remove(streamId);
    }
  }

  /** An upstream connection: relays the response to the stream it serves, then goes idle. */
  private static final class UpstreamSide extends ChannelInboundHandlerAdapter {
    Channel channel;
    private Channel stream;
    private ChannelHandlerContext connection; // frames mode: the connection's FrameSide
    private Http2FrameStream frameStream;

    void bind(Channel stream) {
      this.stream = stream;
    }

    void bindFrames(ChannelHandlerContext connection, Http2FrameStream frameStream) {
      this.connection = connection;
      this.frameStream = frameStream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (frameStream != null) {
        relayAsFrames(msg);
        return;
      }
      Channel s = stream;
      if (s == null || !(msg instanceof HttpObject)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof LastHttpContent) {
        stream = null;
        IDLE.get().add(this);
        s.writeAndFlush(msg);
      } else {
        s.write(msg); // the head, or a piece of the body
      }
    }

    private void relayAsFrames(Object msg) {
      ChannelHandlerContext c = connection;
      Http2FrameStream fs = frameStream;
      if (msg instanceof HttpResponse res) {
        c.write(
            new DefaultHttp2HeadersFrame(HttpConversionUtil.toHttp2Headers(res, true)).stream(fs));
      }
      if (msg instanceof HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        c.write(new DefaultHttp2DataFrame(content.content(), last).stream(fs));
        if (last) {
          frameStream = null;
          connection = null;
          ((FrameSide) c.handler()).done(fs.id());
          IDLE.get().add(this);
          c.flush();
        }
      } else if (!(msg instanceof HttpResponse)) {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      IDLE.get().remove(this);
      if (stream != null) {
        stream.close();
      }
    }
  }
}
