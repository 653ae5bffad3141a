package io.turnout.gateway.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.turnout.gateway.config.LimitSettings;
import io.turnout.gateway.proxy.http2.AlpnSwitch;
import io.turnout.gateway.proxy.http2.Http2Connections;
import io.turnout.gateway.proxy.http2.PrefaceSniffer;
import io.turnout.gateway.proxy.tls.ServerCertificates;

/**
 * Builds each client connection's pipeline. Read top to bottom it is the request path:
 *
 * <pre>
 *   limit      ConnectionLimiter          refuse connections over limits.maxConnections
 *   tls        SniHandler -&gt; SslHandler  (HTTPS listener only) certificate by SNI, TLS
 *   alpn       AlpnSwitch                 (HTTPS listener, http2.enabled) h2 or http/1.1 by ALPN
 *   sniff      PrefaceSniffer             (plain listener, http2.enabled) h2c prior knowledge?
 *   timeouts   ClientTimeoutHandler       keep-alive idle close; 408 when headers are too slow
 *   send-timeout ClientSendTimeoutHandler reset when the client takes no response byte for
 *                                         limits.sendTimeout (absent when 0)
 *   http       StrictServerCodec          bytes &lt;-&gt; HttpRequest / HttpContent (strict RFC 9112,
 *                                         no obsolete line folding)
 *   proxy      ProxyFrontendHandler       the connection: one decoded message per read asked for
 *                                         (MessageGate), 100-continue, one Exchange per request
 *                                         (route, choose version, stream to and from an
 *                                         UpstreamConnection)
 * </pre>
 *
 * <p>When a connection turns out to speak HTTP/2 (ALPN chose {@code h2}, or the plain listener saw
 * the connection preface), {@link #toHttp2} replaces everything from {@code timeouts} on with the
 * HTTP/2 handlers of {@link Http2Connections}; each stream's frames then run its exchange on the
 * connection's own pipeline ({@link Http2StreamDispatcher}).
 */
public final class HttpProxyInitializer extends ChannelInitializer<SocketChannel> {
  private final ProxyContext proxy;
  private final ServerCertificates tls;

  /**
   * @param tls the HTTPS listener's certificates, or null for plain HTTP
   */
  public HttpProxyInitializer(ProxyContext proxy, ServerCertificates tls) {
    this.proxy = proxy;
    this.tls = tls;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    addTcpRelatedHandlers(p);
    ClientTimeoutHandler timeouts = addTimeoutHandlers(p);
    addHttp2Detection(p, timeouts);
    addHttp1Handlers(p);
    addProxyHandlers(p, timeouts);
  }

  private void addTcpRelatedHandlers(ChannelPipeline p) {
    p.addLast("limit", proxy.connectionLimiter);
    if (tls != null) {
      // A client that never finishes the handshake is a slowloris too.
      p.addLast("tls", tls.newHandler(proxy.config.limits().headerReadTimeout().toMillis()));
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

  private void addHttp2Detection(ChannelPipeline p, ClientTimeoutHandler timeouts) {
    if (!proxy.config.http2().enabled()) {
      return;
    }
    if (tls != null) {
      p.addBefore("timeouts", "alpn", new AlpnSwitch(ctx -> toHttp2(ctx.pipeline(), timeouts)));
    } else {
      p.addBefore(
          "timeouts", "sniff", new PrefaceSniffer(ctx -> toHttp2(ctx.pipeline(), timeouts)));
    }
  }

  /** Swaps the HTTP/1.1 handlers for HTTP/2 ones; the connection's own handlers before stay. */
  private void toHttp2(ChannelPipeline p, ClientTimeoutHandler timeouts) {
    timeouts.disable();
    p.remove(timeouts);
    p.remove("http");
    p.remove("proxy");
    Http2Connections.install(
        p,
        proxy.config.http2(),
        proxy.config.limits().keepAliveTimeout().toNanos(),
        proxy.config.shutdown().timeout().toMillis(),
        new Http2StreamDispatcher(proxy),
        evt -> evt == ProxyContext.CloseIdleEvent.INSTANCE,
        proxy.metrics::http2ConnectionClosedForAbuse);
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
  }

  private void addProxyHandlers(ChannelPipeline p, ClientTimeoutHandler timeouts) {
    p.addLast("proxy", new ProxyFrontendHandler(proxy, timeouts));
  }
}
