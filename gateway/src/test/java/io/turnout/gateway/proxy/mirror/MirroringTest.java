package io.turnout.gateway.proxy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpHeaders;
import io.turnout.gateway.testing.DarkUpstream;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Mirroring through real sockets: a live version (blue, a {@link TestUpstream}) and a dark one
 * (green, a {@link DarkUpstream}) with {@code mirror: PERCENT}. Checks the share of copies, that
 * clients only ever see blue, what a copy carries, and that a mirror that hangs, refuses or resets
 * costs the live path nothing beyond noise (measured against the same load without mirroring, in
 * the same test).
 */
class MirroringTest {
  private static String config(String settings, String blue, String green, int mirror) {
    return settings
        + """

        hosts:
          - host: shop.test
            routes:
              - path: /
                versions:
                  - {name: blue, weight: 1, endpoints: ["%s"]}
                  - {name: green, weight: 0, mirror: %d, endpoints: ["%s"]}
        """
            .formatted(blue, mirror, green);
  }

  private static void awaitMirror(GatewayFixture gw, boolean present) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> gw.admin("/snapshot").contains("\"mirror\"") == present);
  }

  @Test
  void copiesFollowThePercentageAndEveryClientAnswerComesFromTheLiveVersion() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(config("", blue.endpoint(), green.endpoint(), 30))) {
      int n = 400;
      for (int i = 0; i < n; i++) {
        HttpResponse<String> res = gw.get("shop.test", "/any?i=" + i);
        assertEquals(200, res.statusCode());
        assertEquals("blue", res.body());
        assertTrue(
            res.headers().allValues("set-cookie").stream().noneMatch(c -> c.contains("dark")));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gw.server().proxy().mirror().inFlight() == 0);
      int copies = green.requestsReceived();
      System.out.printf("mirror share: %d copies of %d requests at 30%%%n", copies, n);
      // Deterministic per event loop: off by at most a request or two per loop, not sampling noise.
      assertTrue(Math.abs(copies - n * 30 / 100) <= 12, copies + " copies of " + n);
      assertEquals(n, blue.requestsReceived());
      assertEquals(
          copies,
          (int)
              gw.metric(
                  "turnout_mirror_requests_total{code=\"200\",host=\"shop.test\",version=\"green\"}"));
      assertTrue(gw.admin("/metrics").contains("turnout_mirror_duration_seconds_bucket"));
    }
  }

  @Test
  void copiesAreMarkedAndCarryNoCredentialsUnlessConfigured() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(config("", blue.endpoint(), green.endpoint(), 100))) {
      HttpRequest withCredentials =
          gw.request("shop.test", "/any")
              .header("Cookie", "session=s3cret")
              .header("Authorization", "Bearer t0ken")
              .header("X-Trace", "abc")
              .build();
      assertEquals(
          "blue", gw.client().send(withCredentials, HttpResponse.BodyHandlers.ofString()).body());
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> green.requestsReceived() == 1);
      HttpHeaders copy = green.heads().get(0);
      assertEquals("1", copy.get("X-Turnout-Mirror"));
      assertEquals("abc", copy.get("X-Trace"));
      assertEquals("shop.test", copy.get("Host"));
      assertNull(copy.get("Cookie"));
      assertNull(copy.get("Authorization"));
      assertEquals("session=s3cret", blue.lastHeaders().get("Cookie"), "live keeps its cookie");
      assertNull(blue.lastHeaders().get("X-Turnout-Mirror"));

      gw.writeConfig(
          config("mirror: { mirrorCredentials: true }", blue.endpoint(), green.endpoint(), 100));
      // The settings apply with the file's next read; resend until a copy carries them.
      Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(50))
          .until(
              () -> {
                gw.client().send(withCredentials, HttpResponse.BodyHandlers.discarding());
                HttpHeaders last = green.heads().get(green.heads().size() - 1);
                return "session=s3cret".equals(last.get("Cookie"))
                    && "Bearer t0ken".equals(last.get("Authorization"));
              });
    }
  }

  @Test
  void onlyBodilessGetAndHeadAreCopied() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(config("", blue.endpoint(), green.endpoint(), 100))) {
      for (String method : List.of("POST", "PUT", "DELETE")) {
        HttpResponse<String> res =
            gw.client()
                .send(
                    gw.request("shop.test", "/upload")
                        .method(method, HttpRequest.BodyPublishers.ofString("order=1"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), method);
      }
      gw.client()
          .send(
              gw.request("shop.test", "/any")
                  .method("HEAD", HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      gw.get("shop.test", "/any");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> gw.server().proxy().mirror().inFlight() == 0 && green.requestsReceived() == 2);
      assertEquals(List.of("HEAD", "GET"), green.methods());
      assertEquals(5, blue.requestsReceived());
    }
  }

  @Test
  void withMirrorBodiesSmallBodiesAreCopiedAndLargerOnesAreNot() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(
                config(
                    "mirror: { mirrorBodies: true, maxBodySize: 16 }",
                    blue.endpoint(),
                    green.endpoint(),
                    100))) {
      HttpResponse<String> small =
          gw.client()
              .send(
                  gw.request("shop.test", "/upload")
                      .POST(HttpRequest.BodyPublishers.ofString("order=1"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      // Blue answers an upload with its length: the answer is live's, over the whole body.
      assertEquals("7", small.body());
      assertEquals("blue", small.headers().firstValue("X-Served-By").orElse(null));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> green.bodies().size() == 1);
      assertEquals(List.of("order=1"), green.bodies());
      assertEquals(List.of("POST"), green.methods());
      assertEquals("1", green.heads().get(0).get("X-Turnout-Mirror"));
      assertEquals("7", green.heads().get(0).get("Content-Length"));

      HttpResponse<String> large =
          gw.client()
              .send(
                  gw.request("shop.test", "/upload")
                      .POST(HttpRequest.BodyPublishers.ofString("x".repeat(17)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals("17", large.body());
      gw.get("shop.test", "/after"); // a copy that follows the large POST's (absent) one
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> gw.server().proxy().mirror().inFlight() == 0 && green.requestsReceived() == 2);
      assertEquals(List.of("POST", "GET"), green.methods(), "the 17-byte body was not copied");
      assertEquals(List.of("order=1", ""), green.bodies());
      assertEquals(3, blue.requestsReceived());
    }
  }

  @Test
  void aBodyTheClientNeverFinishesIsNotCopied() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(
                config("mirror: { mirrorBodies: true }", blue.endpoint(), green.endpoint(), 100))) {
      try (Socket client = new Socket("127.0.0.1", gw.httpPort())) {
        client
            .getOutputStream()
            .write(
                ("POST /upload HTTP/1.1\r\nHost: shop.test\r\nContent-Length: 10\r\n\r\nabc")
                    .getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> blue.requestsReceived() == 1);
      } // closed mid-body: the collected 3 bytes are released (the leak detector would tell)
      gw.get("shop.test", "/after");
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> gw.server().proxy().mirror().inFlight() == 0 && green.requestsReceived() == 1);
      assertEquals(List.of("GET"), green.methods());
    }
  }

  @Test
  void copiesStopSoonAfterThePercentageGoesToZero() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(config("", blue.endpoint(), green.endpoint(), 100));
        Load load = new Load(gw, 2)) {
      load.awaitMore(50);
      assertTrue(green.requestsReceived() > 0);
      long editedAt = System.nanoTime();
      gw.writeConfig(config("", blue.endpoint(), green.endpoint(), 0));
      awaitMirror(gw, false);
      load.awaitMore(200); // well after the swap: no copy may follow
      long lastCopyMs = (green.lastRequestNanos() - editedAt) / 1_000_000;
      System.out.printf("mirror stop: last copy %d ms after the config edit%n", lastCopyMs);
      // The file is polled every 200 ms; a loaded machine may take longer, never seconds more.
      assertTrue(lastCopyMs < 3000, "copies went on for " + lastCopyMs + " ms");
      assertEquals(List.of(), load.failures);
    }
  }

  @Test
  void slowRefusingOrResettingMirrorsCostTheLivePathNothing() throws Exception {
    int refusedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      refusedPort = s.getLocalPort(); // closed again: connections to it are refused
    }
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream slow = DarkUpstream.slow(3000);
        DarkUpstream resetting = DarkUpstream.resetting();
        GatewayFixture gw =
            GatewayFixture.start(
                config(
                    "mirror: { maxInFlight: 16, timeout: 2s }",
                    blue.endpoint(),
                    slow.endpoint(),
                    0))) {
      measure(
          gw, "warm-up"); // JIT and connection set-up would otherwise count against the baseline
      Stats baseline = measure(gw, "no mirror");
      String[][] mirrors = {
        {"slow (3 s)", slow.endpoint(), "timeout"},
        {"refusing", "127.0.0.1:" + refusedPort, "connect"},
        {"resetting", resetting.endpoint(), "reset"}
      };
      for (String[] m : mirrors) {
        gw.writeConfig(
            config("mirror: { maxInFlight: 16, timeout: 2s }", blue.endpoint(), m[1], 100));
        awaitMirror(gw, true);
        Stats mirrored = measure(gw, "100% to a " + m[0] + " mirror");
        assertEquals(0, mirrored.failures, m[0]);
        // Generous: the machine is shared. Live requests that waited for their copies would take
        // the mirror's 3 s (or its 2 s timeout), far above this. The slowest one is printed, not
        // asserted: one scheduling hiccup must not fail the build.
        assertTrue(
            mirrored.p90Ms <= baseline.p90Ms * 4 + 250,
            m[0] + ": p90 " + mirrored.p90Ms + " ms vs " + baseline.p90Ms + " ms without");
        if (m[2].equals("timeout")) {
          Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(
                  () ->
                      gw.metric(
                              "turnout_mirror_dropped_total{host=\"shop.test\",reason=\"limit\",version=\"green\"}")
                          > 0);
        }
        String dropped =
            "turnout_mirror_dropped_total{host=\"shop.test\",reason=\""
                + m[2]
                + "\",version=\"green\"}";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gw.metric(dropped) > 0);
        gw.writeConfig(
            config("mirror: { maxInFlight: 16, timeout: 2s }", blue.endpoint(), m[1], 0));
        awaitMirror(gw, false);
      }
      assertEquals(0, baseline.failures);
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gw.server().proxy().mirror().inFlight() == 0);
    }
  }

  // ---------------------------------------------------------------- load helpers

  private record Stats(int failures, long p90Ms, long maxMs) {}

  /** 300 GETs from 4 clients; every answer must be blue's. */
  private static Stats measure(GatewayFixture gw, String label) throws Exception {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger failures = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      Thread t =
          new Thread(
              () -> {
                while (next.getAndIncrement() < 300) {
                  long start = System.nanoTime();
                  try {
                    HttpResponse<String> res = gw.get("shop.test", "/any");
                    if (res.statusCode() != 200 || !res.body().equals("blue")) {
                      failures.incrementAndGet();
                    }
                  } catch (Exception e) {
                    failures.incrementAndGet();
                  }
                  latencies.add(System.nanoTime() - start);
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    long p90 = sorted.get(sorted.size() * 9 / 10) / 1_000_000;
    long max = sorted.get(sorted.size() - 1) / 1_000_000;
    System.out.printf(
        "mirror cost, %s: %d requests, %d failed, p90 %d ms, max %d ms%n",
        label, sorted.size(), failures.get(), p90, max);
    return new Stats(failures.get(), p90, max);
  }

  /** Clients sending GET /any until closed. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new ArrayList<>();

    Load(GatewayFixture gw, int clients) {
      for (int c = 0; c < clients; c++) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    try {
                      HttpResponse<String> res = gw.get("shop.test", "/any");
                      if (res.statusCode() == 200 && res.body().equals("blue")) {
                        ok.incrementAndGet();
                      } else {
                        failures.add(res.statusCode() + " " + res.body());
                      }
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                  }
                });
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    void awaitMore(int n) {
      int target = ok.get() + n;
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> ok.get() >= target);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }
}
