package io.turnout.gateway.proxy.http2;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.util.function.Consumer;

/**
 * On the HTTPS listener, applies the protocol the TLS handshake chose by ALPN: {@code h2} rebuilds
 * the pipeline for HTTP/2 ({@code toHttp2}); {@code http/1.1}, or no ALPN at all, keeps the
 * HTTP/1.1 handlers that are already in place. Bytes decrypted before the choice wait here and then
 * go to whichever codec is in place.
 *
 * <p>Confined to the connection's event loop.
 */
public final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
  private final Consumer<ChannelHandlerContext> toHttp2;

  public AlpnSwitch(Consumer<ChannelHandlerContext> toHttp2) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.toHttp2 = toHttp2;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      toHttp2.accept(ctx);
    }
  }

  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    // A client that cannot complete a handshake is common (scanners, old clients): no log line.
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** The ALPN names a listener offers, most preferred first. */
  public static String[] offered(boolean http2) {
    return http2
        ? new String[] {ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1}
        : new String[] {ApplicationProtocolNames.HTTP_1_1};
  }
}
