package io.turnout.gateway.proxy.tls;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestCertificates;
import io.turnout.gateway.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/**
 * Certificates as Kubernetes serves them: chosen by SNI among several (wildcards included, the
 * default when nothing matches), and reloaded when a Secret volume update swaps its {@code ..data}
 * symlink, while a bad new file leaves the old certificate serving.
 */
class TlsCertificatesTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  /** The CN of the certificate the gateway presents to a client asking for {@code sni}. */
  private static String served(int port, String sni) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new TrustAll()}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      SSLParameters p = s.getSSLParameters();
      if (sni != null) {
        p.setServerNames(List.of(new SNIHostName(sni)));
      }
      s.setSSLParameters(p);
      s.startHandshake();
      X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
      return leaf.getSubjectX500Principal().getName().replace("CN=", "");
    }
  }

  /** Lays out {@code dir} as a Secret volume does: files are symlinks through {@code ..data}. */
  private static void publishSecret(Path dir, Path[] pem, String version) throws Exception {
    Path data = dir.resolve(version);
    Files.createDirectories(data);
    Files.copy(pem[0], data.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
    Files.copy(pem[1], data.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
    Path tmp = dir.resolve("..data_tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, Path.of(version));
    Files.move(tmp, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    for (String f : new String[] {"tls.crt", "tls.key"}) {
      if (!Files.exists(dir.resolve(f), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(dir.resolve(f), Path.of("..data", f));
      }
    }
  }

  @Test
  void sniPicksTheCertificateAndASecretUpdateIsServedWithoutARestart() throws Exception {
    assumeTrue(TestCertificates.opensslAvailable(), "openssl makes the test certificates");
    Path work = Files.createTempDirectory("turnout-certs");
    Path[] first = TestCertificates.selfSigned(work, "first", "first.test", "DNS:first.test");
    Path[] renewed =
        TestCertificates.selfSigned(work, "renewed", "renewed.test", "DNS:renewed.test");
    Path[] wild = TestCertificates.selfSigned(work, "wild", "wild.shop.test", "DNS:*.shop.test");
    Path[] other = TestCertificates.selfSigned(work, "other", "other.test", "DNS:other.test");
    Path secret = Files.createDirectories(work.resolve("secret"));
    publishSecret(secret, first, "..2026_01");
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                listen: { http: 0, admin: 0, https: 0, address: 127.0.0.1 }
                tls:
                  certFile: "%s"
                  keyFile: "%s"
                  reloadInterval: 200ms
                  certificates:
                    - { hosts: ["*.shop.test"], certFile: "%s", keyFile: "%s" }
                    - { hosts: ["other.test"], certFile: "%s", keyFile: "%s" }
                hosts:
                  - host: a.shop.test
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(
                        secret.resolve("tls.crt"),
                        secret.resolve("tls.key"),
                        wild[0],
                        wild[1],
                        other[0],
                        other[1],
                        app.endpoint()))) {
      int port = gw.server().httpsPort();
      assertEquals("wild.shop.test", served(port, "a.shop.test"));
      assertEquals("other.test", served(port, "other.test"));
      assertEquals("first.test", served(port, "unknown.test"), "no match: the default");
      assertEquals("first.test", served(port, null), "no SNI: the default");

      publishSecret(secret, renewed, "..2026_02");
      await().atMost(PATIENCE).until(() -> served(port, "unknown.test").equals("renewed.test"));
      assertEquals("wild.shop.test", served(port, "a.shop.test"), "the others stay");

      // A bad update (a key that does not match) is refused; the renewed certificate serves on.
      publishSecret(secret, new Path[] {first[0], renewed[1]}, "..2026_03");
      await()
          .during(Duration.ofSeconds(1))
          .atMost(PATIENCE)
          .until(() -> served(port, "unknown.test").equals("renewed.test"));
    }
  }

  @Test
  void badSniEntriesAreConfigErrorsNamingTheField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    """
                    listen: { https: 8443 }
                    tls:
                      certFile: /etc/hostname
                      keyFile: /etc/hostname
                      certificates:
                        - { hosts: ["bad host"], certFile: /nope.crt, keyFile: /etc/hostname }
                        - { certFile: /etc/hostname, keyFile: /etc/hostname }
                    http2: { maxConcurrentStreams: 0, resetWindow: 1500ms }
                    """));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("tls.certificates[0].hosts[0]: 'bad host' is not a host name"), all);
    assertTrue(all.contains("tls.certificates[0].certFile: '/nope.crt' cannot be read"), all);
    assertTrue(all.contains("tls.certificates[1].hosts: must name at least one host"), all);
    assertTrue(all.contains("http2.maxConcurrentStreams: must be 1.."), all);
    assertTrue(all.contains("http2.resetWindow: must be whole seconds"), all);
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
