package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading a large response must stop the gateway reading it from the upstream:
 * the gateway holds a bounded amount, not the body. Then the whole body still arrives intact.
 */
class ResponseBackPressureTest {
  private static final long BODY = 256L * 1024 * 1024;

  @Test
  void aStalledClientStopsTheUpstreamReadAndTheBodyStillArrivesWhole() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = GatewayFixture.routingAllTo(app.endpoint());
        Socket client = new Socket()) {
      client.setReceiveBufferSize(64 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", gw.httpPort()), 2000);
      client
          .getOutputStream()
          .write(
              ("GET /bytes?n=" + BODY + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      long before = usedDirectMemory();
      Thread.sleep(1500); // the client reads nothing
      long held = usedDirectMemory() - before;
      assertTrue(
          held < 32L * 1024 * 1024,
          "the gateway buffered " + (held >> 20) + " MiB for a client that reads nothing");

      InputStream in = client.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
      byte[] buf = new byte[256 * 1024];
      long got = 0;
      int n;
      while (got < BODY && (n = in.read(buf, 0, (int) Math.min(buf.length, BODY - got))) > 0) {
        got += n;
      }
      assertEquals(BODY, got);
    }
  }

  private static long usedDirectMemory() {
    return ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
  }
}
