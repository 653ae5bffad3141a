package io.turnout.gateway.proxy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.turnout.gateway.proxy.http2.AlpnSwitch;
import java.io.ByteArrayInputStream;
import javax.net.ssl.SSLException;

/**
 * Builds the HTTPS listener's TLS contexts: BoringSSL (netty-tcnative) where its native library
 * loads, the JDK's TLS otherwise; TLS 1.2 and 1.3; ALPN offers {@code h2} then {@code http/1.1}
 * ({@code http/1.1} only when {@code http2.enabled} is false).
 */
public final class TlsContexts {
  private TlsContexts() {}

  /**
   * A server context from PEM bytes (read by the caller, so a reload checks and uses the same
   * bytes).
   *
   * @param what the config fields the bytes came from, for the error message
   * @throws SSLException when the certificate or key cannot be used or do not match
   */
  public static SslContext forServer(byte[] certPem, byte[] keyPem, String what, boolean http2)
      throws SSLException {
    SslProvider provider = OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    try {
      return SslContextBuilder.forServer(
              new ByteArrayInputStream(certPem), new ByteArrayInputStream(keyPem))
          .sslProvider(provider)
          .protocols("TLSv1.3", "TLSv1.2")
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  ApplicationProtocolConfig.Protocol.ALPN,
                  ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                  ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                  AlpnSwitch.offered(http2)))
          .build();
    } catch (IllegalArgumentException | SSLException e) {
      throw new SSLException(what + ": cannot be used: " + e.getMessage(), e);
    }
  }

  /** Which TLS implementation {@link #forServer} picks on this machine, for the start-up log. */
  public static String providerName() {
    return OpenSsl.isAvailable() ? "BoringSSL" : "JDK";
  }
}
