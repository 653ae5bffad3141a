package io.turnout.bench.floor;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import io.turnout.gateway.proxy.Transport;

/**
 * The floor under any Netty proxy on this machine: a relay that does nothing a proxy could skip.
 * Each client connection gets its own upstream connection to one app, opened on the client's event
 * loop, and whatever one side sends is written to the other, flushed once per read batch, with the
 * same back-pressure as the gateway (the reader pauses while the other side is unwritable). No
 * routing, no split, no cookie, no header rewrite, no metrics, no timeouts.
 *
 * <ul>
 *   <li>{@code bytes}: raw TCP, the bytes as read: the cost of Netty itself (event loop, channel,
 *       pipeline, buffers) plus the kernel;
 *   <li>{@code http}: Netty's HTTP/1 codecs on both sides, the decoded objects passed through as
 *       they are: {@code bytes} plus the HTTP/1 object model (decode each head into a header map,
 *       encode it again);
 *   <li>{@code splice}: always epoll; the client's bytes relayed as in {@code bytes}, the app's
 *       moved to the client by {@code splice(2)} through a pipe ({@link
 *       io.netty.channel.epoll.AbstractEpollStreamChannel#spliceTo}), never entering the JVM: the
 *       floor a zero-copy response path would stand on (an upstream's FIN drops what Netty has not
 *       spliced yet, which only a relay can afford).
 * </ul>
 *
 * Not a proxy anyone should run (one upstream connection per client, nothing validated); it is the
 * load benchmark's {@code relay-bytes}, {@code relay-http} and (on request) {@code relay-splice}
 * targets, which say how much of the gap to nginx and HAProxy any proxy built on Netty and the JVM
 * would keep.
 *
 * <p>Usage: {@code java -cp turnout-bench.jar io.turnout.bench.floor.NettyRelay MODE PORT
 * UPSTREAM_PORT [THREADS]}. Confined to Netty's event loops: both channels of a pair share one.
 */
public final class NettyRelay {
  private NettyRelay() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3
        || !(args[0].equals("bytes") || args[0].equals("http") || args[0].equals("splice"))) {
      System.err.println("usage: NettyRelay bytes|http|splice PORT UPSTREAM_PORT [THREADS]");
      System.exit(2);
    }
    boolean http = args[0].equals("http");
    boolean splice = args[0].equals("splice");
    int port = Integer.parseInt(args[1]);
    int upstreamPort = Integer.parseInt(args[2]);
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    Transport transport = splice ? Transport.EPOLL : Transport.best();
    FloorListener.serveUntilStopped(
        transport,
        "relay",
        port,
        threads,
        false,
        new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel client) {
            if (http) {
              client.pipeline().addLast(new HttpServerCodec());
            }
            client.pipeline().addLast(new ClientSide(transport, upstreamPort, http, splice));
          }
        },
        "relay (" + args[0] + ") on 127.0.0.1:" + port + " -> :" + upstreamPort);
  }

  /** The client's end: opens the upstream connection, then relays both ways. */
  private static final class ClientSide extends ChannelInboundHandlerAdapter {
    private final Transport transport;
    private final int upstreamPort;
    private final boolean http;
    private final boolean splice;

    ClientSide(Transport transport, int upstreamPort, boolean http, boolean splice) {
      this.transport = transport;
      this.upstreamPort = upstreamPort;
      this.http = http;
      this.splice = splice;
    }

    private Channel upstream;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      new Bootstrap()
          .group(client.eventLoop())
          .channel(transport.socketChannel())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32768, 65536))
          .handler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  if (http) {
                    ch.pipeline().addLast(new HttpClientCodec());
                  }
                  ch.pipeline().addLast(new Pipe(client));
                }
              })
          .connect("127.0.0.1", upstreamPort)
          .addListener(
              (ChannelFutureListener)
                  f -> {
                    if (f.isSuccess()) {
                      upstream = f.channel();
                      if (splice) {
                        // Netty 4.2's epoll is always level-triggered, as spliceTo requires.
                        EpollSocketChannel up = (EpollSocketChannel) upstream;
                        up.spliceTo((EpollSocketChannel) client, Integer.MAX_VALUE)
                            .addListener(
                                (ChannelFutureListener)
                                    done -> {
                                      client.close();
                                      up.close();
                                    });
                      }
                      client.config().setAutoRead(true);
                    } else {
                      client.close();
                    }
                  });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      upstream.write(msg, upstream.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      upstream.flush();
      if (!upstream.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable() && upstream != null) {
        upstream.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (upstream != null) {
        upstream.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** The upstream's end: writes what it reads to the client, closes it when the app closes. */
  private static final class Pipe extends ChannelInboundHandlerAdapter {
    private final Channel client;

    Pipe(Channel client) {
      this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (client.isActive()) {
        client.write(msg, client.voidPromise());
      } else {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      client.flush();
      if (!client.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        client.config().setAutoRead(true);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      client
          .writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
