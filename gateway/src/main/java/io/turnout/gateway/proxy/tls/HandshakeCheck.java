package io.turnout.gateway.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import javax.net.ssl.SSLException;

/**
 * Proves a server context can complete a handshake before it serves: a certificate and a key that
 * do not belong together build a context without complaint (BoringSSL checks them only when a
 * client arrives), so a renewal that swapped in a wrong key would fail every new handshake. An
 * in-memory client (trusting anything: only the server's side is being checked) handshakes with it
 * over two embedded channels.
 *
 * <p>Stateless; runs on the caller's thread (the reload thread, or start-up).
 */
final class HandshakeCheck {
  private static final SslContext CLIENT;

  static {
    try {
      CLIENT =
          SslContextBuilder.forClient()
              .sslProvider(SslProvider.JDK)
              .trustManager(InsecureTrustManagerFactory.INSTANCE)
              .build();
    } catch (SSLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private HandshakeCheck() {}

  /**
   * @throws SSLException when the handshake fails, with {@code what} in the message
   */
  static void check(SslContext server, String what) throws SSLException {
    EmbeddedChannel client = new EmbeddedChannel();
    EmbeddedChannel srv = new EmbeddedChannel();
    try {
      SslHandler clientTls = CLIENT.newHandler(client.alloc());
      SslHandler serverTls = server.newHandler(srv.alloc());
      client.pipeline().addLast(clientTls);
      srv.pipeline().addLast(serverTls);
      for (int round = 0; round < 20 && !clientTls.handshakeFuture().isDone(); round++) {
        pump(client, srv);
        pump(srv, client);
      }
      if (!clientTls.handshakeFuture().isSuccess()) {
        Throwable cause = clientTls.handshakeFuture().cause();
        throw new SSLException(
            what
                + ": cannot be used: a test handshake failed ("
                + (cause == null ? "no answer" : cause.getMessage())
                + "); does the key belong to the certificate?");
      }
    } finally {
      client.finishAndReleaseAll();
      srv.finishAndReleaseAll();
    }
  }

  private static void pump(EmbeddedChannel from, EmbeddedChannel to) {
    ByteBuf buf;
    while ((buf = from.readOutbound()) != null) {
      try {
        to.writeInbound(buf.retain());
      } catch (RuntimeException e) {
        // The handshake failed on that side; its future says why.
      } finally {
        buf.release();
      }
    }
  }
}
