package io.turnout.gateway.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nothing holds a connection for ever once a request went upstream: a client that stops reading, an
 * upstream that goes silent before or inside its answer, an upstream that stops taking a request
 * body, and a silent WebSocket are each ended after their timeout, through real sockets. The
 * timeouts are hundreds of milliseconds here; assertions wait generously and never bound how late a
 * cut may come, only that it comes and what it looks like.
 */
class InactivityTimeoutsTest {
  private static final String ROUTES =
      """
      hosts:
        - host: "*"
          routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
      """;

  /** A gateway with {@code settings} (top-level config lines) in front of {@code app}. */
  private static GatewayFixture gatewayTo(TestUpstream app, String settings) throws Exception {
    return GatewayFixture.start(settings + "\n" + ROUTES.formatted(app.endpoint()));
  }

  @Test
  void aPooledConnectionIsClosedAfterTheIdleTimeoutAndOneInUseIsNot() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = gatewayTo(app, "upstream: { idleTimeout: 700ms }")) {
      // Requests every 100 ms for twice the idle timeout: one pooled connection carries them all.
      long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1400);
      long lastAnswer = 0;
      while (lastAnswer < busyUntil) {
        HttpResponse<String> res =
            gw.client().send(HttpRequest.newBuilder(gw.uri("/")).build(), BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
        lastAnswer = System.nanoTime();
        await().pollDelay(Duration.ofMillis(100)).until(() -> true);
      }
      assertEquals(1, app.connectionsAccepted(), "a connection in use is not idle");
      assertEquals(1, app.openConnections());
      await().atMost(Duration.ofSeconds(10)).until(() -> app.openConnections() == 0);
      // The gateway pooled the connection before the client had its answer.
      long closedAfter = (System.nanoTime() - lastAnswer) / 1_000_000;
      assertTrue(closedAfter >= 500, "closed " + closedAfter + " ms after the last answer");
      System.out.printf(
          "cost: pooled upstream connection (idleTimeout 700ms) closed %d ms after its last"
              + " request%n",
          closedAfter);
    }
  }

  @Test
  void aClientThatStopsReadingIsCutAndTheUpstreamConnectionIsClosed() throws Exception {
    long body = 256L * 1024 * 1024;
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = gatewayTo(app, "limits: { sendTimeout: 500ms }");
        Socket client = new Socket()) {
      client.setReceiveBufferSize(64 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", gw.httpPort()), 5000);
      client
          .getOutputStream()
          .write(
              ("GET /bytes?n=" + body + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      long start = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> app.openConnections() == 1);
      // The client reads nothing from here on: the gateway must let go of both sides.
      await().atMost(Duration.ofSeconds(20)).until(() -> app.openConnections() == 0);
      long upstreamReleased = System.nanoTime() - start;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gw.server().proxy().openConnections() == 0);
      System.out.printf(
          "cost: client stops reading a 256 MiB response (sendTimeout 500ms): upstream connection"
              + " closed %d ms after the request, client connection %d ms%n",
          upstreamReleased / 1_000_000, (System.nanoTime() - start) / 1_000_000);
      client.setSoTimeout(10000);
      assertTrue(drain(client.getInputStream()) < body, "the response must not look complete");
    }
  }

  @Test
  void aClientThatPausesReadingIsNotMistakenForASilentUpstream() throws Exception {
    long body = 32L * 1024 * 1024;
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = gatewayTo(app, "upstream: { readTimeout: 300ms }");
        Socket client = new Socket()) {
      client.setReceiveBufferSize(64 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", gw.httpPort()), 5000);
      client
          .getOutputStream()
          .write(
              ("GET /bytes?n=" + body + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      Thread.sleep(1500); // five read timeouts; the gateway, not the upstream, stopped reading
      client.setSoTimeout(10000);
      InputStream in = client.getInputStream();
      long total = drain(in);
      assertTrue(total > body, "head and the whole body, got " + total + " bytes");
    }
  }

  @Test
  void anUpstreamSilentBeforeItsHeadGets504() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            gatewayTo(app, "upstream: { readTimeout: 300ms, responseTimeout: 0s }")) {
      long start = System.nanoTime();
      RawHttp.Exchange ex =
          RawHttp.exchange(
              gw.httpPort(),
              "GET /slow?ms=20000 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
              15000);
      System.out.printf(
          "cost: upstream silent before its head (readTimeout 300ms): %d after %d ms%n",
          ex.status(), (System.nanoTime() - start) / 1_000_000);
      assertEquals(504, ex.status(), ex.response());
      assertTrue(ex.body().contains("silent"), ex.body());
      assertTrue(ex.closed());
      await().atMost(Duration.ofSeconds(10)).until(() -> app.openConnections() == 0);
      assertEquals(1.0, gw.metric("turnout_upstream_errors_total{host=\"*\",kind=\"timeout\""));
    }
  }

  @Test
  void anUpstreamSilentMidBodyCutsTheClientConnectionNeverACleanEnd() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = gatewayTo(app, "upstream: { readTimeout: 300ms }")) {
      long start = System.nanoTime();
      RawHttp.Exchange chunked =
          RawHttp.exchange(
              gw.httpPort(), "GET /stall?n=1000&chunked=1 HTTP/1.1\r\nHost: x\r\n\r\n", 15000);
      System.out.printf(
          "cost: upstream silent mid-body (readTimeout 300ms): client cut %d ms after the"
              + " request, %d body bytes of a chunked response, no last chunk%n",
          (System.nanoTime() - start) / 1_000_000, chunked.body().length());
      assertEquals(200, chunked.status(), chunked.head());
      assertTrue(chunked.closed(), "cut by the gateway, not by the test's read timeout");
      assertFalse(chunked.body().endsWith("0\r\n\r\n"), "no terminating chunk after a cut");

      RawHttp.Exchange sized =
          RawHttp.exchange(gw.httpPort(), "GET /stall?n=1000 HTTP/1.1\r\nHost: x\r\n\r\n", 15000);
      assertEquals(200, sized.status(), sized.head());
      assertTrue(sized.head().toLowerCase().contains("content-length: 2000"), sized.head());
      assertTrue(sized.closed(), "cut by the gateway, not by the test's read timeout");
      assertTrue(sized.body().length() < 2000, "got " + sized.body().length() + " of 2000");
      await().atMost(Duration.ofSeconds(10)).until(() -> app.openConnections() == 0);
    }
  }

  @Test
  void anUpstreamThatStopsTakingTheRequestBodyGets504AndItsConnectionClosed() throws Exception {
    try (ServerSocket deaf = deafServer();
        GatewayFixture gw =
            GatewayFixture.start(
                "upstream: { sendTimeout: 500ms }\n"
                    + ROUTES.formatted("127.0.0.1:" + deaf.getLocalPort()));
        Socket client = new Socket("127.0.0.1", gw.httpPort())) {
      long length = 1L << 30;
      Thread uploader =
          new Thread(
              () -> {
                try {
                  OutputStream out = client.getOutputStream();
                  out.write(
                      ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + length + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  byte[] chunk = new byte[64 * 1024];
                  for (long sent = 0; sent < length; sent += chunk.length) {
                    out.write(chunk);
                  }
                } catch (IOException e) {
                  // the gateway closed: expected
                }
              },
              "uploader");
      uploader.setDaemon(true);
      uploader.start();
      try (Socket accepted = deaf.accept()) { // and never read from until the gateway gives up
        long start = System.nanoTime();
        client.setSoTimeout(20000);
        RawHttp.Exchange ex = RawHttp.readUntilClosed(client.getInputStream());
        System.out.printf(
            "cost: upstream stops taking a 1 GiB upload (sendTimeout 500ms): %d %d ms after it"
                + " accepted the connection%n",
            ex.status(), (System.nanoTime() - start) / 1_000_000);
        assertEquals(504, ex.status(), ex.head());
        assertTrue(ex.body().contains("stopped taking the request body"), ex.body());
        accepted.setSoTimeout(10000);
        drain(accepted.getInputStream()); // ends: the gateway closed its side
      }
      uploader.join(10000);
    }
  }

  @Test
  void aSilentWebSocketIsClosedAfterTheTunnelIdleTimeout() throws Exception {
    try (TestUpstream ws = TestUpstream.startWithWebSocket("ws");
        GatewayFixture gw = gatewayTo(ws, "limits: { tunnelIdleTimeout: 600ms }")) {
      LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
      CompletableFuture<String> ended = new CompletableFuture<>();
      WebSocket socket =
          gw.client()
              .newWebSocketBuilder()
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + gw.httpPort() + "/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                      received.add(data.toString());
                      w.request(1);
                      return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                      ended.complete("close " + code);
                      return null;
                    }

                    @Override
                    public void onError(WebSocket w, Throwable error) {
                      ended.complete("error " + error);
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      // Traffic every 150 ms keeps it open well past the idle timeout.
      for (int i = 0; i < 10; i++) {
        socket.sendText("ping " + i, true).get(5, TimeUnit.SECONDS);
        assertEquals("ws:ping " + i, received.poll(5, TimeUnit.SECONDS));
        Thread.sleep(150);
      }
      assertFalse(ended.isDone(), "closed while busy: " + ended.getNow(null));
      // Then silence.
      long start = System.nanoTime();
      String how = ended.get(15, TimeUnit.SECONDS);
      System.out.printf(
          "cost: silent WebSocket (tunnelIdleTimeout 600ms): closed 150 + %d ms after the last frame"
              + " (client saw: %s)%n",
          (System.nanoTime() - start) / 1_000_000, how);
      await().atMost(Duration.ofSeconds(10)).until(() -> ws.openConnections() == 0);
      socket.abort();
    }
  }

  /** A listener whose connections take a small receive buffer, so a body backs up fast. */
  private static ServerSocket deafServer() throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReceiveBufferSize(64 * 1024);
    s.bind(new InetSocketAddress("127.0.0.1", 0));
    return s;
  }

  /** Reads until EOF or reset (a read timeout fails); returns the number of bytes read. */
  private static long drain(InputStream in) throws IOException {
    byte[] buf = new byte[256 * 1024];
    long total = 0;
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw e;
    } catch (IOException e) {
      // reset: the end too
    }
    return total;
  }
}
