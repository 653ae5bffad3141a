package io.turnout.gateway.proxy.http2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp2Client;
import io.turnout.gateway.testing.TestUpstream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code upstream.responseTimeout} on HTTP/2: a slow stream gets its 504 on time while the fast
 * streams beside it on the same connection are answered, the connection stays open, and a slow
 * stream that comes later is timed too, while one answered before its deadline keeps its answer.
 */
class Http2ResponseTimeoutTest {
  private static final String HOST = "shop.example.com";
  // The app answers /slow after 20 s; a 504 well before that is the gateway's.
  private static final Duration BEFORE_THE_APP = Duration.ofSeconds(10);

  /** A gateway with a 300 ms response timeout in front of {@code app}. */
  private static GatewayFixture gatewayTo(TestUpstream app) throws Exception {
    return GatewayFixture.start(
        """
        accessLog: false
        upstream: { responseTimeout: 300ms }
        hosts:
          - host: %s
            routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
        """
            .formatted(HOST, app.endpoint()));
  }

  private static void get(RawHttp2Client c, int stream, String path) {
    c.send(
        ctx ->
            c.writer.writeHeaders(
                ctx, stream, RawHttp2Client.request("GET", HOST, path), 0, true, ctx.newPromise()));
  }

  @Test
  void slowStreamsGet504OnTimeWhileTheirNeighboursAreAnswered() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = gatewayTo(app);
        RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      get(c, 1, "/slow?ms=20000");
      get(c, 3, "/slow?ms=20000");
      get(c, 5, "/fast");
      get(c, 7, "/fast");
      await().atMost(BEFORE_THE_APP).until(() -> c.statuses.size() == 4);
      assertEquals("200", c.statuses.get(5));
      assertEquals("200", c.statuses.get(7));
      assertEquals("504", c.statuses.get(1));
      assertEquals("504", c.statuses.get(3));

      // Later streams on the same connection are timed as well; one answered at 100 ms of its
      // 300 ms keeps its answer when the deadline passes.
      get(c, 9, "/slow?ms=20000");
      get(c, 11, "/fast");
      get(c, 13, "/slow?ms=100");
      await().atMost(BEFORE_THE_APP).until(() -> c.statuses.size() == 7);
      assertEquals("504", c.statuses.get(9));
      assertEquals("200", c.statuses.get(11));
      assertEquals("200", c.statuses.get(13));
      assertEquals(Boolean.TRUE, c.ended.get(13));
      assertTrue(c.isOpen(), "a timed-out stream ends the stream, not the connection");
    }
  }
}
