package io.turnout.gateway.proxy.http2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http2.Http2Error;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp2Client;
import io.turnout.gateway.testing.TestUpstream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Shutdown with an HTTP/2 stream open: GOAWAY (NO_ERROR) first, the stream finishes, then close.
 */
class Http2GracefulShutdownTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @Test
  void shutdownSendsGoAwayAndLetsTheOpenStreamFinish() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                accessLog: false
                hosts:
                  - host: shop.example.com
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(app.endpoint()));
        RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      c.send(
          ctx ->
              c.writer.writeHeaders(
                  ctx,
                  1,
                  RawHttp2Client.request("GET", "shop.example.com", "/slow?ms=2000"),
                  0,
                  true,
                  ctx.newPromise()));
      await().atMost(PATIENCE).until(() -> app.requestsReceived() == 1);
      CompletableFuture<Void> stopped =
          CompletableFuture.runAsync(
              () -> gw.server().shutdown(Duration.ZERO, Duration.ofSeconds(20)));
      await().atMost(PATIENCE).until(() -> c.goAwayError.get() >= 0);
      assertEquals(Http2Error.NO_ERROR.code(), c.goAwayError.get());
      await().atMost(PATIENCE).until(() -> c.ended.containsKey(1));
      assertEquals("200", c.statuses.get(1), "the open stream finished");
      await().atMost(PATIENCE).until(() -> !c.isOpen());
      stopped.get();
    }
  }
}
