package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class UpstreamKeepAliveTest {
  @Test
  void sequentialRequestsReuseAHandfulOfUpstreamConnections() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = GatewayFixture.routingAllTo(app.endpoint())) {
      for (int i = 0; i < 1000; i++) {
        // A new client connection now and then too: pools are per event loop, not per client.
        var req = gw.request("x", "/r" + i);
        if (i % 100 == 0) {
          req.header("Connection", "close");
        }
        HttpResponse<String> res =
            gw.client().send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
      }
      assertEquals(1000, app.requestsReceived());
      // One pool per event loop: at most one connection per worker thread for sequential traffic.
      int connections = app.connectionsAccepted();
      assertTrue(
          connections <= Runtime.getRuntime().availableProcessors() + 1,
          connections + " upstream connections");
    }
  }
}
