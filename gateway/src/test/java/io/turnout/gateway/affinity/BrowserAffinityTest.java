package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.turnout.gateway.demo.DemoApp;
import io.turnout.gateway.proxy.Transport;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.HeadlessChromium;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A real browser (Debian's chromium, driven through chromium-driver) loads the demo page through
 * the gateway. While the page polls its API and lazily loads a script, the weights flip from blue
 * to green; the page's own record of every response must show only its own version. A reload then
 * lands on green.
 */
class BrowserAffinityTest {
  static EventLoopGroup apps;
  static DemoApp blue;
  static DemoApp green;

  @BeforeAll
  static void start() throws Exception {
    Transport transport = Transport.best();
    apps = transport.newGroup(1, "browser-test-apps");
    blue = DemoApp.start("blue", "#1e5aa8", "127.0.0.1", 0, apps, transport);
    green = DemoApp.start("green", "#1b8a4b", "127.0.0.1", 0, apps, transport);
  }

  @AfterAll
  static void stop() {
    blue.close();
    green.close();
    apps.shutdownGracefully();
  }

  private static String config(int blueWeight, int greenWeight) {
    return """
        affinity: { secret: browser-test }
        hosts:
          - host: "*"
            routes:
              - path: /
                versions:
                  - {name: blue, weight: %d, endpoints: ["127.0.0.1:%d"]}
                  - {name: green, weight: %d, endpoints: ["127.0.0.1:%d"]}
        """
        .formatted(blueWeight, blue.port(), greenWeight, green.port());
  }

  @Test
  void pageKeepsItsVersionWhileWeightsFlipAndMovesOnReload() throws Exception {
    HeadlessChromium.assumeInstalled();
    try (GatewayFixture gw = GatewayFixture.start(config(100, 0))) {
      ChromeDriver driver = HeadlessChromium.start();
      try {
        driver.get("http://127.0.0.1:" + gw.httpPort() + "/");
        JavascriptExecutor js = driver;
        assertEquals("blue", js.executeScript("return window.__turnout.page;"));
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    HeadlessChromium.responses(js).stream()
                        .anyMatch(r -> "api".equals(r.get("kind"))));

        gw.writeConfig(config(0, 100));
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> gw.admin("/snapshot").contains("\"name\":\"green\",\"weight\":100"));
        int atSwitch = HeadlessChromium.responses(js).size();
        js.executeScript("window.__turnoutLoadChunk();");
        // Several API polls and the lazy chunk after the switch.
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .until(
                () -> {
                  List<Map<String, Object>> all = HeadlessChromium.responses(js);
                  long apiAfter =
                      all.stream().skip(atSwitch).filter(r -> "api".equals(r.get("kind"))).count();
                  long chunksAfter =
                      all.stream()
                          .skip(atSwitch)
                          .filter(r -> "chunk".equals(r.get("kind")))
                          .count();
                  return apiAfter >= 3 && chunksAfter >= 1;
                });
        List<Map<String, Object>> all = HeadlessChromium.responses(js);
        assertTrue(all.size() > atSwitch);
        for (Map<String, Object> r : all) {
          assertEquals("blue", r.get("version"), "the page got " + r + " from another version");
        }

        driver.navigate().refresh();
        assertEquals(
            "green", js.executeScript("return window.__turnout.page;"), "a reload moves on");
        Awaitility.await()
            .atMost(Duration.ofSeconds(15))
            .until(
                () ->
                    HeadlessChromium.responses(js).stream()
                        .anyMatch(r -> "api".equals(r.get("kind"))));
        for (Map<String, Object> r : HeadlessChromium.responses(js)) {
          assertEquals("green", r.get("version"), "after reload: " + r);
        }
      } finally {
        driver.quit();
      }
    }
  }
}
