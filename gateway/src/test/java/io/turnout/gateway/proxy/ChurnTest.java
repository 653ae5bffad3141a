package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Continuous load while everything that happens in a rollout happens: an endpoint crashes, another
 * is added, weights change, the config is reloaded, blue and green switch, the dead endpoint is
 * removed. No idempotent request fails (a config change loses no request that could have been
 * served).
 */
class ChurnTest {
  private static final int CLIENTS = 4;

  @Test
  void noIdempotentRequestFailsThroughCrashesReloadsAndASwitch() throws Exception {
    try (TestUpstream blueA = TestUpstream.start("blue-a");
        TestUpstream blueB = TestUpstream.start("blue-b");
        TestUpstream blueC = TestUpstream.start("blue-c");
        TestUpstream greenA = TestUpstream.start("green-a");
        GatewayFixture gw =
            GatewayFixture.start(
                config(
                    100,
                    0,
                    List.of(blueA.endpoint(), blueB.endpoint()),
                    List.of(greenA.endpoint())))) {
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      AtomicLong maxLatencyNanos = new AtomicLong();
      List<String> failures = new CopyOnWriteArrayList<>();
      Map<String, AtomicInteger> servedBy = new ConcurrentHashMap<>();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    long start = System.nanoTime();
                    try {
                      HttpResponse<String> res = gw.get("shop.example.com", "/any");
                      if (res.statusCode() == 200) {
                        ok.incrementAndGet();
                        servedBy
                            .computeIfAbsent(res.body(), k -> new AtomicInteger())
                            .incrementAndGet();
                      } else {
                        failures.add(res.statusCode() + " " + res.body());
                      }
                    } catch (Exception e) {
                      failures.add(e.toString());
                    }
                    long took = System.nanoTime() - start;
                    maxLatencyNanos.accumulateAndGet(took, Math::max);
                  }
                },
                "churn-client-" + c);
        t.setDaemon(true);
        t.start();
        clients.add(t);
      }
      try {
        awaitMoreRequests(ok, 200);

        double retriesBefore = gw.metric("turnout_upstream_retries_total");
        blueA.kill();
        awaitMoreRequests(ok, 300);
        double retriesForCrash = gw.metric("turnout_upstream_retries_total") - retriesBefore;

        List<String> blue = List.of(blueA.endpoint(), blueB.endpoint(), blueC.endpoint());
        List<String> green = List.of(greenA.endpoint());
        applyAndWait(gw, config(100, 0, blue, green));
        awaitMoreRequests(ok, 200);
        assertTrue(blueC.requestsReceived() > 0, "the added endpoint got nothing");

        applyAndWait(gw, config(50, 50, blue, green));
        awaitMoreRequests(ok, 200);

        // A reload that changes nothing but the file.
        applyAndWait(gw, config(50, 50, blue, green) + "# touched\n");
        awaitMoreRequests(ok, 200);

        applyAndWait(gw, config(0, 100, blue, green));
        int greenBefore = greenA.requestsReceived();
        awaitMoreRequests(ok, 200);
        int blueAfter = blueB.requestsReceived() + blueC.requestsReceived();
        awaitMoreRequests(ok, 100);
        int blueLate = blueB.requestsReceived() + blueC.requestsReceived() - blueAfter;
        assertTrue(
            blueLate == 0 && greenA.requestsReceived() - greenBefore >= 200,
            "after the switch: green "
                + (greenA.requestsReceived() - greenBefore)
                + ", blue "
                + blueLate);

        applyAndWait(gw, config(0, 100, List.of(blueB.endpoint(), blueC.endpoint()), green));
        awaitMoreRequests(ok, 200);

        running.set(false);
        for (Thread t : clients) {
          t.join(10_000);
        }
        System.out.printf(
            "churn: %d requests ok, %d failed, max latency %d ms; the crash cost %.0f retries and"
                + " %.0f ejection(s); served by %s%n",
            ok.get(),
            failures.size(),
            maxLatencyNanos.get() / 1_000_000,
            retriesForCrash,
            gw.metric("turnout_endpoint_ejections_total"),
            servedBy);
        assertEquals(List.of(), failures);
      } finally {
        running.set(false);
      }
    }
  }

  private static void awaitMoreRequests(AtomicInteger ok, int more) {
    int target = ok.get() + more;
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> ok.get() >= target);
  }

  /** Writes the config and waits until the gateway applied it (its snapshot version moved). */
  private static void applyAndWait(GatewayFixture gw, String yaml) throws Exception {
    long version = gw.server().currentSnapshot().version();
    gw.writeConfig(yaml);
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> gw.server().currentSnapshot().version() != version);
  }

  private static String config(int blue, int green, List<String> blueEps, List<String> greenEps) {
    return """
        hosts:
          - host: shop.example.com
            routes:
              - path: /
                versions:
                  - {name: blue, weight: %d, endpoints: [%s]}
                  - {name: green, weight: %d, endpoints: [%s]}
        """
        .formatted(blue, quoted(blueEps), green, quoted(greenEps));
  }

  private static String quoted(List<String> eps) {
    return String.join(", ", eps.stream().map(e -> "\"" + e + "\"").toList());
  }
}
