package io.turnout.controller.ui;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.turnout.controller.Controller;
import io.turnout.controller.FakeCluster;
import io.turnout.controller.StubApp;
import io.turnout.controller.rollout.RolloutSettings;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.report.FleetReporter;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in Debian's chromium (through chromium-driver): the page renders the host and its
 * versions, the numbers move while traffic flows, a rollout's steps advance, and when the new
 * version starts failing the rollback shows up. Leaves {@code target/dashboard.png} (the README's
 * screenshot) behind.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String HOST = "shop.example.com";
  private static final Pattern SET_COOKIE = Pattern.compile("(?im)^set-cookie: *([^;\r\n]+)");

  @Test
  void thePageShowsLiveNumbersAndARolloutThatIsRolledBack() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "chromium and chromium-driver are not installed (.ci/run installs them)");
    AtomicBoolean trafficOn = new AtomicBoolean(true);
    try (FakeCluster cluster = new FakeCluster();
        StubApp blue = StubApp.start("blue", 200);
        StubApp green = StubApp.start("green", 200)) {
      cluster.shopApp("100", "0");
      cluster.slice("shop", "shop-blue", "http", blue.port(), List.of("127.0.0.1"), List.of());
      cluster.slice("shop", "shop-green", "http", green.port(), List.of("127.0.0.1"), List.of());
      RolloutSettings fast =
          RolloutSettings.defaults()
              .withTimings(
                  Duration.ofSeconds(4),
                  Duration.ofSeconds(3),
                  Duration.ofMillis(300),
                  Duration.ofMillis(200));
      try (Controller controller =
          Controller.start(cluster.client(), Controller.Settings.defaults(0).withRollouts(fast))) {
        URI url = URI.create("http://127.0.0.1:" + controller.port());
        GatewayServer gateway =
            GatewayServer.start(
                ConfigFile.parse(
                    "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                        + "shutdown: { drainDelay: 0s, timeout: 1s }\naccessLog: false\n"),
                ControllerSnapshotSource.create(
                    ControllerSnapshotSource.Settings.of(url)
                        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500))));
        FleetReporter reporter =
            FleetReporter.start(List.of(url), gateway::metrics, Duration.ofMillis(250));
        Thread traffic =
            new Thread(
                () -> {
                  // Each visitor: a first request that makes the pin, one sub-request with it.
                  String cookie = null;
                  while (trafficOn.get()) {
                    try (Socket s = new Socket("127.0.0.1", gateway.httpPort())) {
                      String pin = cookie == null ? "" : "Cookie: " + cookie + "\r\n";
                      s.getOutputStream()
                          .write(
                              ("GET / HTTP/1.1\r\nHost: " + HOST + "\r\n" + pin)
                                  .concat("Connection: close\r\n\r\n")
                                  .getBytes(StandardCharsets.US_ASCII));
                      String res = new String(s.getInputStream().readAllBytes(), UTF_8);
                      Matcher m = SET_COOKIE.matcher(res);
                      cookie = cookie == null && m.find() ? m.group(1) : null;
                      Thread.sleep(5);
                    } catch (Exception e) {
                      // the gateway counts it, or the test is ending
                    }
                  }
                },
                "test-traffic");
        ChromeDriver driver = null;
        try {
          await().atMost(Duration.ofSeconds(20)).until(() -> gateway.currentSnapshot() != null);
          traffic.start();
          driver = startChromium();
          driver.get(url + "/ui/");
          JavascriptExecutor js = driver;
          ChromeDriver d = driver;
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      !d.findElements(By.cssSelector("[data-host='shop.example.com']")).isEmpty());
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      ((Number)
                                  js.executeScript(
                                      "const h = window.__turnout.last.hosts[0];"
                                          + "return h.versions.find(v => v.name === 'blue').rps;"))
                              .doubleValue()
                          > 0);
          // Half of blue's requests are sub-requests that came back with their pin.
          await()
              .atMost(Duration.ofSeconds(20))
              .until(
                  () ->
                      ((Number)
                                  js.executeScript(
                                      "const h = window.__turnout.last.hosts[0];"
                                          + "return h.versions.find(v => v.name === 'blue')"
                                          + ".pinned;"))
                              .doubleValue()
                          > 0);
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> !textOf(js, "[data-version='blue'] td.pinned").startsWith("0.0"));

          cluster
              .turnout(
                  "rollout",
                  "start",
                  HOST,
                  "green",
                  "--steps",
                  "10,30,60,100",
                  "--interval",
                  "3s",
                  "--min-requests",
                  "5",
                  "--max-p99",
                  "5s")
              .succeeded();
          await()
              .atMost(Duration.ofSeconds(40))
              .until(
                  () ->
                      !d.findElements(
                              By.cssSelector(".rollout[data-phase='Progressing'] .steps span.done"))
                          .isEmpty());
          Thread.sleep(1500); // a few more frames on the timeline for the screenshot
          Path shot = Path.of("target", "dashboard.png");
          Files.createDirectories(shot.getParent());
          Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));

          green.answer(500);
          await()
              .atMost(Duration.ofSeconds(40))
              .until(
                  () -> !d.findElements(By.cssSelector(".rollout[data-phase='Failed']")).isEmpty());
          String message = textOf(js, ".rollout .message");
          assertTrue(message.contains("rolled back: maxErrorRate"), message);
          @SuppressWarnings("unchecked")
          Map<String, Object> frame =
              (Map<String, Object>) js.executeScript("return window.__turnout.last;");
          assertTrue(((Number) js.executeScript("return window.__turnout.frames;")).intValue() > 3);
          assertTrue(frame.get("leader").equals(Boolean.TRUE), frame.toString());
        } finally {
          trafficOn.set(false);
          if (driver != null) {
            driver.quit();
          }
          traffic.join(10_000);
          reporter.close();
          gateway.close();
        }
      }
    }
  }

  /**
   * The text of the first element matching {@code css}, read in one script call: the page redraws
   * its table on every frame, so an element found by one WebDriver call can be gone (stale) by the
   * next. Fails when nothing matches.
   */
  private static String textOf(JavascriptExecutor js, String css) {
    Object text =
        js.executeScript(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", css);
    assertTrue(text != null, "nothing on the page matches " + css);
    return (String) text;
  }

  private static ChromeDriver startChromium() throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1100,900",
        "--user-data-dir=" + Files.createTempDirectory("turnout-chromium"));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    return new ChromeDriver(service, options);
  }
}
