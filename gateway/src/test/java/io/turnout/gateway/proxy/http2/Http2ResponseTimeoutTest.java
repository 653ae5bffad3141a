package io.turnout.gateway.proxy.http2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp2Client;
import io.turnout.gateway.testing.TestUpstream;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code upstream.responseTimeout} on HTTP/2: a slow stream gets its 504 on time while the fast
 * streams beside it on the same connection are answered, the connection stays open, and a slow
 * stream that comes later is timed too.
 */
class Http2ResponseTimeoutTest {
  private static final String HOST = "shop.example.com";
  // The app answers /slow after 20 s; a 504 well before that is the gateway's.
  private static final Duration BEFORE_THE_APP = Duration.ofSeconds(10);
  private static TestUpstream app;
  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    gw =
        GatewayFixture.start(
            """
            accessLog: false
            upstream: { responseTimeout: 300ms }
            hosts:
              - host: %s
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(HOST, app.endpoint()));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (app != null) {
      app.close();
    }
  }

  private static void get(RawHttp2Client c, int stream, String path) {
    c.send(
        ctx ->
            c.writer.writeHeaders(
                ctx, stream, RawHttp2Client.request("GET", HOST, path), 0, true, ctx.newPromise()));
  }

  @Test
  void slowStreamsGet504OnTimeWhileTheirNeighboursAreAnswered() throws Exception {
    try (RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      get(c, 1, "/slow?ms=20000");
      get(c, 3, "/slow?ms=20000");
      get(c, 5, "/fast");
      get(c, 7, "/fast");
      await().atMost(BEFORE_THE_APP).until(() -> c.statuses.size() == 4);
      assertEquals("200", c.statuses.get(5));
      assertEquals("200", c.statuses.get(7));
      assertEquals("504", c.statuses.get(1));
      assertEquals("504", c.statuses.get(3));

      // Later streams on the same connection are timed as well.
      get(c, 9, "/slow?ms=20000");
      get(c, 11, "/fast");
      await().atMost(BEFORE_THE_APP).until(() -> c.statuses.size() == 6);
      assertEquals("504", c.statuses.get(9));
      assertEquals("200", c.statuses.get(11));
      assertTrue(c.isOpen(), "a timed-out stream ends the stream, not the connection");
    }
  }

  @Test
  void aStreamAnsweredBeforeItsDeadlineIsNotTimedOutLater() throws Exception {
    try (RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      // Answered at 100 ms of a 300 ms deadline: the deadline passing later changes nothing.
      get(c, 1, "/slow?ms=100");
      get(c, 3, "/slow?ms=20000");
      await().atMost(BEFORE_THE_APP).until(() -> c.statuses.size() == 2);
      assertEquals("200", c.statuses.get(1));
      assertEquals("504", c.statuses.get(3));
      assertEquals(Boolean.TRUE, c.ended.get(1));
    }
  }
}
