package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.TestUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/1.0 client cannot read chunks. A chunked answer from the upstream reaches it whole, and
 * the connection closes after it: with no length, the close is the only end an HTTP/1.0 client
 * understands. Before, the gateway stripped the chunking but promised keep-alive, and the client
 * waited for more until the idle timeout.
 */
class Http10ResponseFramingTest {
  static TestUpstream app;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    gateway = GatewayFixture.routingAllTo(app.endpoint());
  }

  @AfterAll
  static void stop() {
    gateway.close();
    app.close();
  }

  @Test
  void aChunkedAnswerReachesAKeepAliveHttp10ClientWholeAndTheConnectionCloses() {
    // The read timeout is far above the test's normal run time and far below the 60 s keep-alive
    // timeout: a gateway that keeps the connection open fails here instead of passing late.
    RawHttp.Exchange ex =
        RawHttp.exchange(
            gateway.httpPort(),
            "GET /bytes?n=200000&chunked=1 HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n",
            20_000);
    assertTrue(ex.closed(), "the client was left waiting for the end of the body");
    assertTrue(ex.head().startsWith("HTTP/1.0 200"), ex.head());
    String head = ex.head().toLowerCase();
    assertFalse(head.contains("transfer-encoding"), head);
    assertTrue(head.contains("connection: close"), head);
    assertEquals(200_000, ex.body().length(), "the body arrived whole and unchunked");
  }

  @Test
  void anAnswerOfKnownLengthKeepsAKeepAliveHttp10ConnectionOpen() throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.httpPort())) {
      s.setSoTimeout(20_000);
      var out = s.getOutputStream();
      var in = s.getInputStream();
      for (int i = 0; i < 2; i++) {
        out.write(
            "GET /bytes?n=1000 HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n"
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.flush();
        String head = RawHttp.readHead(in);
        assertTrue(head.startsWith("HTTP/1.0 200"), head);
        assertTrue(head.toLowerCase().contains("content-length: 1000"), head);
        assertTrue(head.toLowerCase().contains("connection: keep-alive"), head);
        assertEquals(1000, in.readNBytes(1000).length);
      }
    }
  }
}
