package io.turnout.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.ForkedGateway;
import io.turnout.gateway.testing.TestUpstream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a real gateway process under load. The test plays the load balancer too: it polls
 * {@code /readyz} and stops sending new requests a little after readiness fails, as a real one
 * does. No request fails; readiness fails a full drain delay before the listener closes; requests
 * still in flight when it closes finish; the process exits 0.
 */
class GracefulShutdownTest {
  private static final long DRAIN_DELAY_MILLIS = 1500;
  private static final long LB_REACTION_MILLIS = 250;

  @Test
  void sigtermUnderLoadFailsNoRequestAndExitsZero() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        ForkedGateway gw =
            ForkedGateway.start(
                """
                accessLog: false
                shutdown: { drainDelay: %dms, timeout: 10s }
                hosts:
                  - host: "*"
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(DRAIN_DELAY_MILLIS, app.endpoint()))) {
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
      URI base = URI.create("http://127.0.0.1:" + gw.httpPort());
      URI readyz = URI.create("http://127.0.0.1:" + gw.adminPort() + "/readyz");
      AtomicBoolean lbSends = new AtomicBoolean(true);
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger closeAnswers = new AtomicInteger();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicLong readyFailedAt = new AtomicLong();
      AtomicLong listenerClosedAt = new AtomicLong();

      // A load balancer sends nothing to a pod before it is ready. The port is known a moment
      // before the first snapshot is applied; a poller that saw that moment's 503 would take it
      // for the shutdown (on a loaded machine it did, every time).
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client
                          .send(
                              HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(5)).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        threads.add(
            startThread(
                () -> {
                  for (int i = 0; lbSends.get(); i++) {
                    String path = i % 20 == id ? "/slow?ms=400" : "/any";
                    try {
                      HttpResponse<String> res =
                          client.send(
                              HttpRequest.newBuilder(base.resolve(path))
                                  .timeout(Duration.ofSeconds(10))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString());
                      if (res.statusCode() == 200) {
                        ok.incrementAndGet();
                      } else {
                        failures.add(path + " -> " + res.statusCode() + " " + res.body());
                      }
                      if (res.headers().firstValue("connection").orElse("").equals("close")) {
                        closeAnswers.incrementAndGet();
                      }
                    } catch (Exception e) {
                      failures.add(path + " -> " + e);
                    }
                  }
                }));
      }
      // The load balancer: notices readiness failing, then stops sending a moment later.
      threads.add(
          startThread(
              () -> {
                while (readyFailedAt.get() == 0) {
                  try {
                    int code =
                        client
                            .send(
                                HttpRequest.newBuilder(readyz)
                                    .timeout(Duration.ofSeconds(1))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode();
                    if (code != 200) {
                      readyFailedAt.set(System.nanoTime());
                    }
                  } catch (Exception e) {
                    readyFailedAt.set(System.nanoTime());
                  }
                  sleep(20);
                }
                sleep(LB_REACTION_MILLIS);
                lbSends.set(false);
              }));
      // When the listener stops accepting.
      threads.add(
          startThread(
              () -> {
                while (listenerClosedAt.get() == 0) {
                  try (Socket s = new Socket("127.0.0.1", gw.httpPort())) {
                    sleep(20);
                  } catch (ConnectException e) {
                    listenerClosedAt.set(System.nanoTime());
                  } catch (Exception e) {
                    sleep(20);
                  }
                }
              }));

      // Load is flowing (a cold JVM on a busy machine can take a while to get there).
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> ok.get() >= 60 || !failures.isEmpty());
      long sigtermAt = System.nanoTime();
      // A long request that starts during the drain delay and is still running when the
      // listener closes: it must be allowed to finish.
      CompletableFuture<HttpResponse<String>> straggler =
          CompletableFuture.supplyAsync(
              () -> {
                sleep(DRAIN_DELAY_MILLIS / 2);
                try {
                  return client.send(
                      HttpRequest.newBuilder(base.resolve("/slow?ms=1500"))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      int exit = gw.terminate(30);
      long exitedAt = System.nanoTime();
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(20));
      }
      HttpResponse<String> last = straggler.get(10, TimeUnit.SECONDS);

      long readyMs = (readyFailedAt.get() - sigtermAt) / 1_000_000;
      long closedMs = (listenerClosedAt.get() - sigtermAt) / 1_000_000;
      long exitMs = (exitedAt - sigtermAt) / 1_000_000;
      System.out.printf(
          "graceful shutdown: %d requests ok, %d failed; after SIGTERM: readiness failed at %d ms,"
              + " listener closed at %d ms, exit at %d ms; %d answers said Connection: close%n",
          ok.get(), failures.size(), readyMs, closedMs, exitMs, closeAnswers.get());
      assertEquals(List.of(), failures);
      assertEquals(0, exit, gw.log());
      assertEquals(200, last.statusCode(), last.body());
      assertTrue(readyFailedAt.get() != 0 && listenerClosedAt.get() != 0);
      // Readiness is polled, so it is seen failing a little late; the listener closes a whole
      // drain delay after it really failed.
      assertTrue(
          closedMs - readyMs >= DRAIN_DELAY_MILLIS / 2,
          "readiness failed at " + readyMs + " ms, listener closed at " + closedMs + " ms");
      assertEquals(
          "close",
          last.headers().firstValue("connection").orElse(""),
          "an answer during the drain did not say Connection: close");
    }
  }

  private static Thread startThread(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
