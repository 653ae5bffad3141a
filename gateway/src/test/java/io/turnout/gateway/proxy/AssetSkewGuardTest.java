package io.turnout.gateway.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.EventLoopGroup;
import io.turnout.gateway.demo.DemoApp;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The asset skew guard through real sockets: green (the new release) lacks blue's content-hashed
 * chunk; a client whose request lands on green must still get the chunk, from blue, and nothing
 * else may be replayed.
 */
class AssetSkewGuardTest {
  private static final String BLUE_CHUNK = "/assets/chunk-3f9a1c.js";

  private TestUpstream blue;
  private TestUpstream green;
  private TestUpstream grey;
  private GatewayFixture gateway;
  private final Logger accessLogger = (Logger) LoggerFactory.getLogger("turnout.access");
  private final ListAppender<ILoggingEvent> accessLines = new ListAppender<>();
  private Level accessLevel;

  @BeforeEach
  void start() throws Exception {
    blue = TestUpstream.start("blue").answerNotFoundUnder("/assets/nowhere", "/gone");
    green = TestUpstream.start("green").answerNotFoundUnder("/assets/", "/chunks/", "/gone");
    grey = TestUpstream.start("grey").answerNotFoundUnder("/gone");
    // The access log is off in tests (WARN); this class reads it, so it turns it on for itself.
    accessLevel = accessLogger.getLevel();
    accessLogger.setLevel(Level.INFO);
    accessLines.start();
    accessLogger.addAppender(accessLines);
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    blue.close();
    green.close();
    grey.close();
    accessLogger.detachAppender(accessLines);
    accessLogger.setLevel(accessLevel);
  }

  /** Blue and green serve; grey is dark. {@code extra} goes into the host entry. */
  private String config(int blueWeight, String globalAssets, String hostAssets) {
    return """
        %s
        hosts:
          - host: shop.test
            %s
            routes:
              - path: /
                versions:
                  - {name: blue, weight: %d, endpoints: ["%s"]}
                  - {name: green, weight: 50, endpoints: ["%s"]}
                  - {name: grey, weight: 0, endpoints: ["%s"]}
        """
        .formatted(
            globalAssets,
            hostAssets,
            blueWeight,
            blue.endpoint(),
            green.endpoint(),
            grey.endpoint());
  }

  /** A request the preview header sends to green, the version that lacks blue's files. */
  private HttpResponse<String> onGreen(String method, String path) throws Exception {
    HttpRequest.Builder b = gateway.request("shop.test", path).header("X-Turnout-Version", "green");
    b =
        method.equals("GET")
            ? b.GET()
            : b.method(method, HttpRequest.BodyPublishers.ofString("payload"));
    return gateway.client().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private double metric(String name, String... labels) throws Exception {
    double sum = 0;
    for (String line : gateway.admin("/metrics").split("\n")) {
      if (!line.startsWith(name + "{")) {
        continue;
      }
      boolean all = true;
      for (String l : labels) {
        all &= line.contains(l);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private List<String> accessLog() {
    return accessLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aChunkMissingOnGreenIsServedByBlueOverAReusedConnection() throws Exception {
    gateway = GatewayFixture.start(config(50, "", ""));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> res = onGreen("GET", BLUE_CHUNK + "?v=" + i);
      assertEquals(200, res.statusCode(), res.body());
      assertEquals("blue", res.body());
      assertEquals("blue", res.headers().firstValue("X-Served-By").orElse(""));
      String cookie = res.headers().firstValue("Set-Cookie").orElse("");
      assertTrue(cookie.startsWith("turnout="), "the preview pins to green: " + cookie);
    }
    assertEquals(3, green.requestsReceived(), "green was asked first each time");
    assertEquals(3, blue.requestsReceived());
    // Each 404 was read to its end and its connection pooled again: one connection to green.
    assertEquals(1, green.connectionsAccepted(), "the 404's connection is reused");
    assertEquals(
        3.0, metric("turnout_asset_misses_total", "host=\"shop.test\"", "version=\"green\""));
    assertEquals(
        3.0, metric("turnout_asset_fallbacks_total", "from=\"green\"", "to=\"blue\"", "shop.test"));
    assertEquals(0.0, metric("turnout_asset_misses_total", "version=\"blue\""));
    assertEquals(
        3.0,
        metric("turnout_requests_total", "host=\"shop.test\"", "version=\"blue\"", "code=\"200\""));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> accessLog().stream().filter(l -> l.contains(BLUE_CHUNK)).count() == 3);
    String line = accessLog().stream().filter(l -> l.contains(BLUE_CHUNK)).findFirst().get();
    assertTrue(line.contains("version=blue why=fallback"), line);
    assertTrue(line.contains("status=200"), line);
  }

  @Test
  void thePinStaysOnTheChosenVersion() throws Exception {
    gateway = GatewayFixture.start(config(50, "", ""));
    String cookie =
        onGreen("GET", BLUE_CHUNK).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    // The same client's next call, with no preview header, goes where its pin says: green.
    HttpResponse<String> next =
        gateway
            .client()
            .send(
                gateway
                    .request("shop.test", "/api/cart")
                    .header("Cookie", cookie)
                    .header("Sec-Fetch-Mode", "cors")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals("green", next.body());
  }

  @Test
  void otherNotFoundsAreRelayedAsTheyAre() throws Exception {
    gateway = GatewayFixture.start(config(50, "", ""));

    HttpResponse<String> page = onGreen("GET", "/gone/page");
    assertEquals(404, page.statusCode());
    assertEquals("not found in green", page.body(), "not an asset path: green's own 404");

    HttpResponse<String> post = onGreen("POST", BLUE_CHUNK);
    assertEquals(404, post.statusCode());
    assertEquals("not found in green", post.body(), "POST is never replayed");

    HttpResponse<String> head = onGreen("HEAD", BLUE_CHUNK);
    assertEquals(404, head.statusCode(), "HEAD is not replayed either");

    assertEquals(0, blue.requestsReceived(), "blue was never asked");
    assertEquals(0.0, metric("turnout_asset_fallbacks_total"));

    // Missing everywhere: each serving version is asked once, the last 404 is the answer.
    HttpResponse<String> nowhere = onGreen("GET", "/assets/nowhere-77.js");
    assertEquals(404, nowhere.statusCode());
    assertEquals("not found in blue", nowhere.body());
    assertEquals(1, blue.requestsReceived());
    assertEquals(0, grey.requestsReceived(), "a dark version is never asked");
    assertEquals(1.0, metric("turnout_asset_misses_total", "version=\"blue\""));
    assertEquals(1.0, metric("turnout_asset_fallbacks_total"));
  }

  @Test
  void aDrainingVersionIsAskedADarkOneNever() throws Exception {
    gateway = GatewayFixture.start(config(50, "", ""));
    assertEquals(200, onGreen("GET", "/warm-up").statusCode());
    // Blue stops taking new clients: it drains (affinity.drainTimeout, 5m by default).
    gateway.writeConfig(config(0, "", ""));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric("turnout_route_weight", "version=\"blue\"") == 0.0);

    HttpResponse<String> res = onGreen("GET", BLUE_CHUNK);
    assertEquals(200, res.statusCode());
    assertEquals("blue", res.body(), "draining blue still has its files");
    assertEquals(0, grey.requestsReceived(), "grey has the file too, but is dark");
  }

  @Test
  void fallbackOffByConfigStillCountsMisses() throws Exception {
    gateway = GatewayFixture.start(config(50, "assets: { fallback: false }", ""));
    HttpResponse<String> res = onGreen("GET", BLUE_CHUNK);
    assertEquals(404, res.statusCode());
    assertEquals("not found in green", res.body());
    assertEquals(0, blue.requestsReceived());
    assertEquals(1.0, metric("turnout_asset_misses_total", "version=\"green\""));
    assertEquals(0.0, metric("turnout_asset_fallbacks_total"));
  }

  @Test
  void aHostOverridesTheGlobalSettings() throws Exception {
    gateway =
        GatewayFixture.start(
            config(
                50,
                "assets: { fallback: false }",
                "assets: { fallback: true, patterns: [\"/chunks/\"] }"));
    HttpResponse<String> chunk = onGreen("GET", "/chunks/main.9c1e.js");
    assertEquals(200, chunk.statusCode());
    assertEquals("blue", chunk.body(), "the host turns fallback on for its own pattern");

    HttpResponse<String> asset = onGreen("GET", BLUE_CHUNK);
    assertEquals(404, asset.statusCode(), "the host's patterns replace the defaults");
    assertEquals(1, blue.requestsReceived());
  }

  @Test
  void theDemoAppsHashedChunkReachesAPageThatLostItsPin() throws Exception {
    Transport transport = Transport.best();
    EventLoopGroup apps = transport.newGroup(1, "asset-test-apps");
    try (DemoApp blueApp = DemoApp.start("blue", "#1e5aa8", "127.0.0.1", 0, apps, transport);
        DemoApp greenApp = DemoApp.start("green", "#1b8a4b", "127.0.0.1", 0, apps, transport)) {
      assertTrue(blueApp.chunkPath().matches("/assets/chunk-[0-9a-f]{8}\\.js"));
      assertNotEquals(blueApp.chunkPath(), greenApp.chunkPath(), "content-hashed per version");
      gateway =
          GatewayFixture.start(
              """
              hosts:
                - host: shop.test
                  routes:
                    - path: /
                      versions:
                        - {name: blue, weight: 50, endpoints: ["127.0.0.1:%d"]}
                        - {name: green, weight: 50, endpoints: ["127.0.0.1:%d"]}
              """
                  .formatted(blueApp.port(), greenApp.port()));
      HttpResponse<String> appJs = onGreen("GET", "/app.js");
      assertTrue(appJs.body().contains(greenApp.chunkPath()), "green's page loads green's chunk");
      // A page from blue whose chunk request lands on green (no cookie): green has no such file.
      HttpResponse<String> chunk = onGreen("GET", blueApp.chunkPath() + "?t=1");
      assertEquals(200, chunk.statusCode());
      assertEquals("blue", chunk.headers().firstValue("X-Served-By").orElse(""));
    } finally {
      apps.shutdownGracefully();
    }
  }

  @Test
  void aLiveConfigEditTurnsTheFallbackOff() throws Exception {
    gateway = GatewayFixture.start(config(50, "", ""));
    assertEquals(200, onGreen("GET", BLUE_CHUNK).statusCode());
    gateway.writeConfig(config(50, "assets: { fallback: false }", ""));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> onGreen("GET", BLUE_CHUNK).statusCode() == 404);
  }

  @Test
  void anAppMountedUnderARoutePrefixHasItsAssetsThere() throws Exception {
    gateway =
        GatewayFixture.start(
            """
            hosts:
              - host: shop.test
                routes:
                  - path: /shop
                    versions:
                      - {name: blue, weight: 50, endpoints: ["%s"]}
                      - {name: green, weight: 50, endpoints: ["%s"]}
            """
                .formatted(blue.endpoint(), green.endpoint()));
    green.answerNotFoundUnder("/shop/assets/");
    HttpResponse<String> res = onGreen("GET", "/shop/assets/chunk-3f9a1c.js");
    assertEquals(200, res.statusCode());
    assertEquals("blue", res.body());
  }
}
