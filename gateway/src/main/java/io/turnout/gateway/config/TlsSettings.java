package io.turnout.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * TLS for the HTTPS listener ({@code listen.https}). PEM files, as a Kubernetes TLS Secret holds
 * them ({@code tls.crt}, {@code tls.key}). The files are watched: when their content changes (a
 * Secret volume update swaps its {@code ..data} symlink) new handshakes use the new certificate.
 *
 * @param certFile the default certificate chain, leaf first: served when the client's SNI name
 *     matches none of {@code certificates} (or it sent none)
 * @param keyFile its private key (PKCS#8 or PKCS#1), unencrypted
 * @param certificates more certificates, chosen by the SNI name the client sends (default none)
 * @param reloadInterval how often the files are checked for changes (default 10s)
 */
public record TlsSettings(
    String certFile, String keyFile, List<SniCertificate> certificates, Duration reloadInterval) {

  public TlsSettings {
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    reloadInterval = reloadInterval == null ? Duration.ofSeconds(10) : reloadInterval;
  }

  /** The default certificate only. */
  public TlsSettings(String certFile, String keyFile) {
    this(certFile, keyFile, null, null);
  }

  /**
   * A certificate served to clients asking for one of {@code hosts} by SNI.
   *
   * @param hosts host names, or wildcards such as {@code *.example.com} (one label)
   * @param certFile certificate chain, leaf first
   * @param keyFile private key, unencrypted
   */
  public record SniCertificate(List<String> hosts, String certFile, String keyFile) {
    public SniCertificate {
      hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }
  }
}
