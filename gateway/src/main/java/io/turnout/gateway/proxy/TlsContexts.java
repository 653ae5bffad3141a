package io.turnout.gateway.proxy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.turnout.gateway.config.TlsSettings;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * Builds the HTTPS listener's TLS context: BoringSSL (netty-tcnative) where its native library
 * loads, the JDK's TLS otherwise; TLS 1.2 and 1.3; ALPN offers {@code http/1.1} only, since the
 * gateway speaks HTTP/1.1.
 */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * @throws SSLException when the certificate or key cannot be read or do not match
   */
  public static SslContext forServer(TlsSettings tls) throws SSLException {
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    try {
      return SslContextBuilder.forServer(new File(tls.certFile()), new File(tls.keyFile()))
          .sslProvider(provider)
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  ApplicationProtocolNames.HTTP_1_1))
          .build();
    } catch (IllegalArgumentException e) {
      throw new SSLException(
          "tls: cannot use " + tls.certFile() + " / " + tls.keyFile() + ": " + e.getMessage(), e);
    }
  }

  /** Which TLS implementation {@link #forServer} picks on this machine, for the start-up log. */
  public static String providerName() {
    return OpenSsl.isAvailable() ? "BoringSSL" : "JDK";
  }
}
