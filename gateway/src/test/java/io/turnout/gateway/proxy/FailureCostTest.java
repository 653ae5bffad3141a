package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * What each way an endpoint can fail costs the clients, measured under load: requests failed, extra
 * latency, time until the gateway stops sending to it and until it is used again. Each test prints
 * a {@code cost:} line (the numbers in gateway/RELIABILITY.md) and checks the bound that matters.
 */
class FailureCostTest {
  private static String twoEndpoints(String settings, String a, String b) {
    return settings
        + """

        hosts:
          - host: "*"
            routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s", "%s"]}]}]
        """
            .formatted(a, b);
  }

  /** Keeps {@code clients} threads sending GET {@code path} until stopped; counts outcomes. */
  private static final class Load implements AutoCloseable {
    final AtomicBoolean running = new AtomicBoolean(true);
    final AtomicInteger ok = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicLong maxLatencyNanos = new AtomicLong();
    final List<Thread> threads = new ArrayList<>();
    final CopyOnWriteArrayList<String> servedBy = new CopyOnWriteArrayList<>();

    Load(GatewayFixture gw, int clients, String path) {
      for (int c = 0; c < clients; c++) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    long start = System.nanoTime();
                    try {
                      HttpResponse<String> res = gw.get("x", path);
                      if (res.statusCode() == 200) {
                        ok.incrementAndGet();
                        servedBy.add(res.body());
                      } else {
                        failures.add(res.statusCode() + " " + res.body().trim());
                      }
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                    maxLatencyNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
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

    void resetLatency() {
      maxLatencyNanos.set(0);
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(10_000);
      }
    }
  }

  @Test
  void crashedEndpointCostsRetriesNotFailuresAndServesAgainAfterItsEjection() throws Exception {
    TestUpstream a = TestUpstream.start("a");
    int aPort = a.port();
    try (TestUpstream b = TestUpstream.start("b");
        GatewayFixture gw =
            GatewayFixture.start(
                twoEndpoints(
                    "upstream: { ejectAfter: 5, ejectionTime: 1s }", a.endpoint(), b.endpoint()));
        Load load = new Load(gw, 4, "/any")) {
      load.awaitMore(300);
      load.resetLatency();
      long killedAt = System.nanoTime();
      a.kill();
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(2))
          .until(() -> gw.metric("turnout_endpoint_ejections_total") == 1);
      long ejectedMs = (System.nanoTime() - killedAt) / 1_000_000;
      double retries = gw.metric("turnout_upstream_retries_total");

      // Restarted while still ejected: it gets traffic again once the ejection runs out.
      try (TestUpstream back = TestUpstream.start("a", aPort)) {
        long backAt = System.nanoTime();
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> back.requestsReceived() > 0);
        long servingAgainMs = (System.nanoTime() - backAt) / 1_000_000;
        load.awaitMore(300);
        long maxMs = load.maxLatencyNanos.get() / 1_000_000;
        load.close();
        System.out.printf(
            "cost: crash of 1 of 2 endpoints under 4 clients: %d failed, %.0f retries, ejected"
                + " %d ms after the crash, max latency %d ms; restarted at once, back in rotation"
                + " %d ms later (ejectionTime 1s)%n",
            load.failures.size(), retries, ejectedMs, maxMs, servingAgainMs);
        assertEquals(List.of(), load.failures);
        assertTrue(servingAgainMs < 5000, servingAgainMs + " ms");
      }
    }
  }

  @Test
  void blackHoledEndpointCostsAConnectTimeoutPerTryUntilEjected() throws Exception {
    // A listener whose accept queue is full and never drained: the kernel drops further SYNs,
    // so a connect neither succeeds nor is refused, as with a host that vanished.
    try (ServerSocket hole = new ServerSocket()) {
      hole.bind(new InetSocketAddress("127.0.0.1", 0), 1);
      List<Socket> fillers = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Socket s = new Socket();
        try {
          s.connect(hole.getLocalSocketAddress(), 200);
          fillers.add(s);
        } catch (java.io.IOException e) {
          s.close();
        }
      }
      try (TestUpstream b = TestUpstream.start("b");
          GatewayFixture gw =
              GatewayFixture.start(
                  twoEndpoints(
                      "upstream: { connectTimeout: 300ms, ejectAfter: 3, ejectionTime: 1m }",
                      "127.0.0.1:" + hole.getLocalPort(),
                      b.endpoint()));
          Load load = new Load(gw, 4, "/any")) {
        long start = System.nanoTime();
        Awaitility.await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> gw.metric("turnout_endpoint_ejections_total") == 1);
        long ejectedMs = (System.nanoTime() - start) / 1_000_000;
        long maxMs = load.maxLatencyNanos.get() / 1_000_000;
        load.awaitMore(200);
        load.close();
        System.out.printf(
            "cost: black-holed endpoint (connectTimeout 300ms, ejectAfter 3): %d failed, %.0f"
                + " connect errors, slowest request %d ms, ejected after %d ms%n",
            load.failures.size(),
            gw.metric("turnout_upstream_errors_total{host=\"*\",kind=\"connect\""),
            maxMs,
            ejectedMs);
        assertEquals(List.of(), load.failures);
        assertTrue(maxMs >= 250, "no request waited for a connect timeout: " + maxMs);
      } finally {
        for (Socket s : fillers) {
          s.close();
        }
      }
    }
  }

  @Test
  void hungEndpointCosts504sAtTheResponseTimeoutAndIsNotRetried() throws Exception {
    try (TestUpstream a = TestUpstream.start("a");
        GatewayFixture gw =
            GatewayFixture.start(
                twoEndpoints("upstream: { responseTimeout: 500ms }", a.endpoint(), a.endpoint()))) {
      long start = System.nanoTime();
      HttpResponse<String> res = gw.get("x", "/slow?ms=5000");
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "cost: endpoint that accepts but never answers (responseTimeout 500ms): 504 after %d"
              + " ms, %.0f retries, %.0f ejections%n",
          ms,
          gw.metric("turnout_upstream_retries_total"),
          gw.metric("turnout_endpoint_ejections_total"));
      assertEquals(504, res.statusCode());
      assertTrue(ms >= 450 && ms < 3000, ms + " ms");
      assertEquals(0, gw.metric("turnout_upstream_retries_total"));
    }
  }

  @Test
  void crashMidResponseTruncatesOnlyTheResponseInFlight() throws Exception {
    TestUpstream a = TestUpstream.start("a");
    try (TestUpstream b = TestUpstream.start("b");
        GatewayFixture gw =
            GatewayFixture.start(
                twoEndpoints("upstream: { ejectAfter: 1 }", a.endpoint(), b.endpoint()))) {
      // Find a download that a serves, read part of it, then crash a.
      HttpResponse<InputStream> res = null;
      for (int i = 0; i < 50 && res == null; i++) {
        HttpResponse<InputStream> r =
            gw.client()
                .send(
                    gw.request("x", "/bytes?n=200000000").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        if (r.headers().firstValue("x-served-by").orElse("").equals("a")) {
          res = r;
        } else {
          r.body().close();
        }
      }
      assertTrue(res != null, "a never served");
      byte[] buf = new byte[65536];
      InputStream in = res.body();
      long got = in.read(buf);
      a.kill();
      boolean truncated = false;
      try {
        int n;
        while ((n = in.read(buf)) >= 0) {
          got += n;
        }
      } catch (java.io.IOException e) {
        truncated = true;
      }
      assertTrue(truncated || got < 200_000_000, "the cut response looked complete");
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> next = gw.get("x", "/any");
        assertEquals(200, next.statusCode(), next.body());
        assertEquals("b", next.body());
      }
      System.out.printf(
          "cost: crash mid-response: the one response in flight is cut after %d of 200000000"
              + " bytes (the client sees an error, never a short body as complete); the next 20"
              + " requests all succeed%n",
          got);
    } finally {
      a.close();
    }
  }
}
