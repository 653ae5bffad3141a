package io.turnout.gateway.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.turnout.gateway.proxy.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * One version of the demo web app: an HTML page in the version's colour, the script it loads, a
 * lazily loaded chunk, and {@code GET /api/version}. The chunk's name is content-hashed under
 * {@code /assets/} ({@code /assets/chunk-1a2b3c4d.js}), as a bundler names it: each version has
 * only its own, so a chunk request that reaches the other version gets a 404, the case the
 * gateway's asset skew guard repairs. Small static responses, so aggregating the request here is
 * fine; this is an upstream, not the proxy.
 *
 * <p>Runs on the event loop group it is given.
 */
public final class DemoApp implements AutoCloseable {
  private final String version;
  private final String chunkPath;
  private final Channel channel;

  private DemoApp(String version, String chunkPath, Channel channel) {
    this.version = version;
    this.chunkPath = chunkPath;
    this.channel = channel;
  }

  /** Starts version {@code version} (coloured {@code color}) on {@code port} (0 = any). */
  public static DemoApp start(
      String version,
      String color,
      String host,
      int port,
      EventLoopGroup group,
      Transport transport)
      throws InterruptedException {
    Page chunk = page("chunk.js", "text/javascript; charset=utf-8", version, color, "");
    String chunkPath = "/assets/chunk-" + contentHash(chunk.body()) + ".js";
    Map<String, Page> pages =
        Map.of(
            "/",
            page("index.html", "text/html; charset=utf-8", version, color, chunkPath),
            "/index.html",
            page("index.html", "text/html; charset=utf-8", version, color, chunkPath),
            "/app.js",
            page("app.js", "text/javascript; charset=utf-8", version, color, chunkPath),
            chunkPath,
            chunk,
            "/api/version",
            new Page(
                "application/json",
                ("{\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8)));
    Channel ch =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new Handler(version, pages));
                  }
                })
            .bind(host, port)
            .sync()
            .channel();
    return new DemoApp(version, chunkPath, ch);
  }

  /** The path of this version's lazily loaded chunk ({@code /assets/chunk-<hash>.js}). */
  public String chunkPath() {
    return chunkPath;
  }

  public String version() {
    return version;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }

  /** The first 8 hex digits of the SHA-256 of {@code body}, as a bundler names its files. */
  private static String contentHash(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Page page(
      String resource, String type, String version, String color, String chunkPath) {
    try (InputStream in = DemoApp.class.getResourceAsStream("/demo/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("missing demo resource " + resource);
      }
      String text =
          new String(in.readAllBytes(), StandardCharsets.UTF_8)
              .replace("{{VERSION}}", version)
              .replace("{{COLOR}}", color)
              .replace("{{CHUNK}}", chunkPath);
      return new Page(type, text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Page(String type, byte[] body) {}

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final String version;
    private final Map<String, Page> pages;

    Handler(String version, Map<String, Page> pages) {
      this.version = version;
      this.pages = pages;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      String path = req.uri();
      int q = path.indexOf('?');
      if (q >= 0) {
        path = path.substring(0, q);
      }
      Page page = pages.get(path);
      FullHttpResponse res;
      if (page == null) {
        byte[] body =
            ("404 not found in version " + version + "\n").getBytes(StandardCharsets.UTF_8);
        res = response(ctx, HttpResponseStatus.NOT_FOUND, "text/plain", body);
      } else {
        res = response(ctx, HttpResponseStatus.OK, page.type(), page.body());
      }
      res.headers().set("X-Served-By", version).set(HttpHeaderNames.CACHE_CONTROL, "no-store");
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      HttpUtil.setKeepAlive(res, keepAlive);
      var f = ctx.writeAndFlush(res);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private static FullHttpResponse response(
        ChannelHandlerContext ctx, HttpResponseStatus status, String type, byte[] body) {
      ByteBuf buf = ctx.alloc().buffer(body.length).writeBytes(body);
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, buf);
      res.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, type)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      return res;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
