package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.EventLoopGroup;
import io.turnout.gateway.demo.DemoApp;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.HeadlessChromium;
import io.turnout.gateway.testing.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A real browser over HTTPS: Chromium negotiates h2 by ALPN, loads the demo page, and its API polls
 * and lazy chunk, multiplexed on that connection, all come from the pinned version.
 */
class BrowserHttp2Test {
  @Test
  void chromiumLoadsThePageOverH2AndItsSubRequestsStayOnTheVersion() throws Exception {
    HeadlessChromium.assumeInstalled();
    assumeTrue(TestCertificates.opensslAvailable(), "openssl makes the test certificate");
    Path dir = Files.createTempDirectory("turnout-browser-h2");
    Path[] pem = TestCertificates.selfSigned(dir, "tls", "localhost", "DNS:localhost,IP:127.0.0.1");
    Transport transport = Transport.best();
    EventLoopGroup apps = transport.newGroup(1, "browser-h2-apps");
    DemoApp blue = DemoApp.start("blue", "#1e5aa8", "127.0.0.1", 0, apps, transport);
    try (GatewayFixture gw =
        GatewayFixture.start(
            """
            listen: { http: 0, admin: 0, https: 0, address: 127.0.0.1 }
            tls: { certFile: "%s", keyFile: "%s" }
            affinity: { secret: browser-test }
            hosts:
              - host: "*"
                routes: [{path: /, versions: [{name: blue, weight: 1, endpoints: ["127.0.0.1:%d"]}]}]
            """
                .formatted(pem[0], pem[1], blue.port()))) {
      ChromeDriver driver = HeadlessChromium.start("--ignore-certificate-errors");
      try {
        driver.get("https://localhost:" + gw.server().httpsPort() + "/");
        JavascriptExecutor js = driver;
        assertEquals(
            "h2",
            js.executeScript(
                "return performance.getEntriesByType('navigation')[0].nextHopProtocol;"));
        assertEquals("blue", js.executeScript("return window.__turnout.page;"));
        js.executeScript("window.__turnoutLoadChunk();");
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    HeadlessChromium.responses(js).stream()
                            .anyMatch(r -> "api".equals(r.get("kind")))
                        && HeadlessChromium.responses(js).stream()
                            .anyMatch(r -> "chunk".equals(r.get("kind"))));
        for (Map<String, Object> r : HeadlessChromium.responses(js)) {
          assertEquals("blue", r.get("version"), "sub-request " + r);
        }
      } finally {
        driver.quit();
      }
    } finally {
      blue.close();
      apps.shutdownGracefully();
    }
  }
}
