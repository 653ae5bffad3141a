package io.turnout.gateway.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.turnout.gateway.config.LimitSettings;

/**
 * Builds each client connection's pipeline. Read top to bottom it is the request path:
 *
 * <pre>
 *   limit      ConnectionLimiter          refuse connections over limits.maxConnections
 *   tls        SslHandler                 (HTTPS listener only) TLS termination
 *   timeouts   ClientTimeoutHandler       keep-alive idle close; 408 when headers are too slow
 *   send-timeout ClientSendTimeoutHandler reset when the client takes no response byte for
 *                                         limits.sendTimeout (absent when 0)
 *   http       StrictServerCodec          bytes &lt;-&gt; HttpRequest / HttpContent (strict RFC 9112,
 *                                         no obsolete line folding)
 *   expect-continue                       answers "Expect: 100-continue" itself
 *   flow       OneMessagePerRead          one message per read(): on-demand reading
 *   proxy      ProxyFrontendHandler       the connection: one Exchange per request (route, choose
 *                                         version, stream to and from an UpstreamConnection)
 * </pre>
 */
public final class HttpProxyInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyContext proxy;
  private final SslContext tls;

  /**
   * @param tls the HTTPS listener's TLS context, or null for plain HTTP
   */
  public HttpProxyInitializer(ProxyContext proxy, SslContext tls) {
    this.proxy = proxy;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    addTcpRelatedHandlers(p);
    ClientTimeoutHandler timeouts = addTimeoutHandlers(p);
    addHttp1Handlers(p);
    addProxyHandlers(p, timeouts);
  }

  private void addTcpRelatedHandlers(ChannelPipeline p) {
    p.addLast("limit", proxy.connectionLimiter);
    if (tls != null) {
      SslHandler handler = tls.newHandler(p.channel().alloc());
      // A client that never finishes the handshake is a slowloris too.
      handler.setHandshakeTimeoutMillis(proxy.config.limits().headerReadTimeout().toMillis());
      p.addLast("tls", handler);
    }
  }

  private ClientTimeoutHandler addTimeoutHandlers(ChannelPipeline p) {
    LimitSettings limits = proxy.config.limits();
    ClientTimeoutHandler timeouts =
        new ClientTimeoutHandler(
            limits.headerReadTimeout().toNanos(), limits.keepAliveTimeout().toNanos());
    p.addLast("timeouts", timeouts);
    if (limits.sendTimeout().toNanos() > 0) {
      p.addLast("send-timeout", new ClientSendTimeoutHandler(limits.sendTimeout().toNanos()));
    }
    return timeouts;
  }

  private void addHttp1Handlers(ChannelPipeline p) {
    LimitSettings limits = proxy.config.limits();
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxUriLength())
            .setMaxHeaderSize(limits.maxHeaderSize())
            .setMaxChunkSize(64 * 1024)
            .setStrictLineParsing(true)
            .setUseRfc9112TransferEncoding(true)
            .setAllowDuplicateContentLengths(false)
            .setValidateHeaders(true);
    p.addLast("http", new StrictServerCodec(decoder));
    p.addLast("expect-continue", new HttpServerExpectContinueHandler());
  }

  private void addProxyHandlers(ChannelPipeline p, ClientTimeoutHandler timeouts) {
    p.addLast("flow", new OneMessagePerRead());
    p.addLast("proxy", new ProxyFrontendHandler(proxy, timeouts));
  }
}
