package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.BrowserSession;
import io.turnout.gateway.testing.BrowserSession.Kind;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core promise: simulated browser sessions run while weights ramp and while blue and green
 * switch at once; no session's sub-requests ever reach a version other than the one that served its
 * page, new sessions split by the current weights, and a version that stopped serving gets nothing
 * once its drain is over.
 */
class RolloutConsistencyTest {
  private static final String HOST = "shop.example.com";
  private static final Kind[] SUBRESOURCES = {Kind.SCRIPT, Kind.STYLE, Kind.FETCH, Kind.IMAGE};

  static TestUpstream blue;
  static TestUpstream green;

  @BeforeAll
  static void start() throws Exception {
    blue = TestUpstream.start("blue");
    green = TestUpstream.start("green");
  }

  @AfterAll
  static void stop() {
    blue.close();
    green.close();
  }

  private static String config(int blueWeight, int greenWeight) {
    return """
        affinity: { secret: rollout-test, drainTimeout: 3s }
        hosts:
          - host: %s
            routes:
              - path: /
                versions:
                  - {name: blue, weight: %d, endpoints: ["%s"]}
                  - {name: green, weight: %d, endpoints: ["%s"]}
        """
        .formatted(HOST, blueWeight, blue.endpoint(), greenWeight, green.endpoint());
  }

  private static void apply(GatewayFixture gw, int blueWeight, int greenWeight) {
    gw.writeConfig(config(blueWeight, greenWeight));
    String expected = "\"name\":\"green\",\"weight\":" + greenWeight + ",";
    Awaitility.await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> gw.admin("/snapshot").contains(expected));
  }

  @Test
  void rampFromZeroToAllKeepsEverySessionOnItsPagesVersion() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config(100, 0));
        SessionLoad load = new SessionLoad(gw, 3)) {
      load.start();
      for (int greenWeight : new int[] {0, 5, 25, 50, 100}) {
        apply(gw, 100 - greenWeight, greenWeight);
        // 20,000 fresh clients per mixed step. The mapping's own deviation over 10,000 buckets
        // for these names is 0.6 points at 25 and 0.3 at 50; sampling adds sd 0.31 and 0.35
        // points, so the 2-point tolerance sits 4.5 sd or more away. 10,000 clients (sd 0.5, 3.4
        // sd at 50) failed once in CI with 52.16%; 3,000 had not been enough either.
        double share =
            newClientGreenShare(gw, greenWeight == 0 || greenWeight == 100 ? 500 : 20_000);
        assertTrue(
            Math.abs(share - greenWeight) <= 2,
            "at weight " + greenWeight + " new sessions went " + share + "% to green");
      }
      load.stopAndCheck();
    }
  }

  @Test
  void instantSwitchDrainsBlueThenBlueGetsNothing() throws Exception {
    try (GatewayFixture gw = GatewayFixture.start(config(100, 0));
        SessionLoad load = new SessionLoad(gw, 3)) {
      load.start();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.sessions.get() >= 20);
      int blueBefore = blue.requestsReceived();
      apply(gw, 0, 100);
      long switchedAt = System.nanoTime();
      // Sessions that began on blue finish their sub-requests there while it drains.
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> load.sessions.get() >= 60);
      load.stopAndCheck();
      assertTrue(blue.requestsReceived() > blueBefore, "blue served nothing while draining");
      assertEquals(100.0, newClientGreenShare(gw, 300), "new sessions after the switch");

      // After the drain timeout, old blue pins are ignored: blue receives nothing at all.
      long drainOver =
          switchedAt + TimeUnit.SECONDS.toNanos(3) + TimeUnit.MILLISECONDS.toNanos(200);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> System.nanoTime() - drainOver > 0);
      int blueAfterDrain = blue.requestsReceived();
      HttpClient client = gw.client();
      BrowserSession oldBlueTab = new BrowserSession(client, gw, HOST);
      oldBlueTab.cookie(load.aBlueCookie());
      for (int i = 0; i < 20; i++) {
        assertEquals("green", oldBlueTab.load(Kind.FETCH, "/api/" + i));
      }
      try (SessionLoad after = new SessionLoad(gw, 2)) {
        after.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> after.sessions.get() >= 20);
        after.stopAndCheck();
      }
      assertEquals(blueAfterDrain, blue.requestsReceived(), "blue got traffic after its drain");
    }
  }

  /** Percentage of fresh clients (no cookie) whose first navigation lands on green. */
  private static double newClientGreenShare(GatewayFixture gw, int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      AtomicInteger onGreen = new AtomicInteger();
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        work.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < clients / 4; i++) {
                    BrowserSession fresh = new BrowserSession(gw.client(), gw, HOST);
                    if (fresh.navigate("/").equals("green")) {
                      onGreen.incrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : work) {
        f.get(2, TimeUnit.MINUTES);
      }
      return 100.0 * onGreen.get() / (clients / 4 * 4);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Browser tabs on a few threads: each opens the page, loads 12 subresources, reloads (a
   * navigation, which may move it), and loads 12 more. A session is mixed if any subresource came
   * from a version other than its page's.
   */
  private static final class SessionLoad implements AutoCloseable {
    final GatewayFixture gw;
    final int threads;
    final ExecutorService pool;
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger sessions = new AtomicInteger();
    final List<String> mixed = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<String> blueCookies = new CopyOnWriteArrayList<>();
    final List<Future<?>> futures = new ArrayList<>();

    SessionLoad(GatewayFixture gw, int threads) {
      this.gw = gw;
      this.threads = threads;
      this.pool = Executors.newFixedThreadPool(threads);
    }

    void start() {
      for (int t = 0; t < threads; t++) {
        futures.add(
            pool.submit(
                () -> {
                  while (running.get()) {
                    runSession();
                  }
                  return null;
                }));
      }
    }

    private void runSession() throws Exception {
      BrowserSession tab = new BrowserSession(gw.client(), gw, HOST);
      for (int page = 0; page < 2; page++) {
        String pageVersion = tab.navigate("/index.html");
        if (tab.lastStatus() != 200) {
          errors.add("navigation status " + tab.lastStatus());
          return;
        }
        if (pageVersion.equals("blue") && blueCookies.size() < 5) {
          blueCookies.add(tab.cookie());
        }
        for (int i = 0; i < 12; i++) {
          Kind kind = SUBRESOURCES[i % SUBRESOURCES.length];
          String got = tab.load(kind, "/asset/" + i);
          if (tab.lastStatus() != 200) {
            errors.add(kind + " status " + tab.lastStatus());
          } else if (!got.equals(pageVersion)) {
            mixed.add("page " + pageVersion + " but " + kind + " from " + got);
          }
        }
      }
      sessions.incrementAndGet();
    }

    String aBlueCookie() {
      assertTrue(!blueCookies.isEmpty(), "no session was ever pinned to blue");
      return blueCookies.get(0);
    }

    void stopAndCheck() throws Exception {
      running.set(false);
      for (Future<?> f : futures) {
        f.get(1, TimeUnit.MINUTES);
      }
      assertTrue(sessions.get() > 0, "no session completed");
      assertEquals(List.of(), errors, "failed requests");
      assertEquals(List.of(), mixed, "sessions that saw mixed versions out of " + sessions.get());
    }

    @Override
    public void close() {
      running.set(false);
      pool.shutdownNow();
    }
  }
}
