package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestCertificates;
import io.turnout.gateway.testing.TestUpstream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

class HttpsListenerTest {
  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry(
          "gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void httpsListenerTerminatesTlsSetsSecurePinsAndForwardsHttps() throws Exception {
    assumeTrue(
        TestCertificates.opensslAvailable(),
        "the openssl command is needed to make a test certificate");
    Path dir = Files.createTempDirectory("turnout-tls");
    Path[] pem =
        TestCertificates.selfSignedRsa(dir, "tls", "localhost", "IP:127.0.0.1,DNS:localhost");
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                listen: { http: 0, admin: 0, https: 0, address: 127.0.0.1 }
                tls: { certFile: "%s", keyFile: "%s" }
                hosts:
                  - host: shop.example.com
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(pem[0], pem[1], app.endpoint()))) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(trusting(pem[0]))
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      int port = gw.server().httpsPort();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> res =
            client.send(
                HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/x"))
                    .header("Host", "shop.example.com")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        assertEquals("app", res.body());
        assertTrue(
            res.headers().firstValue("set-cookie").orElse("; Secure").contains("; Secure"),
            "pins set over TLS are Secure");
      }
      assertEquals("https", app.lastHeaders().get("X-Forwarded-Proto"));
      // The plain listener still serves, and says http.
      assertEquals("app", gw.get("shop.example.com", "/").body());
      assertEquals("http", app.lastHeaders().get("X-Forwarded-Proto"));
    }
  }

  @Test
  void httpsWithoutACertificateIsAConfigErrorNamingTheField() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigFile.parse("listen: { https: 8443 }\n"));
    assertEquals("tls: is required when listen.https is set", e.problems().get(0));
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    "listen: { https: 8443 }\ntls: { certFile: /nope/tls.crt, keyFile: /nope/tls.key }\n"));
    assertTrue(
        missing.getMessage().contains("tls.certFile: '/nope/tls.crt' cannot be read"),
        missing.getMessage());
  }
}
