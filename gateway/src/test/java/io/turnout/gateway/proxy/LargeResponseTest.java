package io.turnout.gateway.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Large response bodies end to end, on real sockets and on each transport (the proxy tests run on
 * io_uring and again on epoll): the client gets every byte in order and the connection goes on to
 * the next request; an upstream that closes right after sending the whole body still delivers all
 * of it, one that closes early cuts the client short (never a clean end); a client that stops
 * reading is cut, not waited for.
 */
class LargeResponseTest {
  @Test
  void largeBodiesArriveWholeAndTheConnectionGoesOnToTheNextRequest() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw = GatewayFixture.routingAllTo(app.endpoint());
        Socket client = connect(gw)) {
      long[] sizes = {5L << 20, 100_000, 70_000, 300, 3L << 20};
      OutputStream out = client.getOutputStream();
      InputStream in = client.getInputStream();
      for (long n : sizes) {
        out.write(get("/bytes?n=" + n).getBytes(StandardCharsets.US_ASCII));
        String head = RawHttp.readHead(in);
        assertTrue(head.startsWith("HTTP/1.1 200"), head);
        assertTrue(head.toLowerCase().contains("content-length: " + n), head);
        assertEquals(n, readPatternBody(in, n), "body of /bytes?n=" + n);
      }
      out.write(get("/").getBytes(StandardCharsets.US_ASCII));
      String last = RawHttp.readHead(in);
      assertTrue(last.startsWith("HTTP/1.1 200"), last); // the same connection, still in step
    }
  }

  @Test
  void anUpstreamThatClosesMidBodyCutsTheClientShort() throws Exception {
    // 4 MiB promised, 1 MiB sent, then FIN: the client gets the 1 MiB, then the connection ends.
    assertEquals(1 << 20, fetchFromClosingUpstream("", 4L << 20, 1 << 20));
  }

  @Test
  void anUpstreamThatSendsTheWholeBodyThenClosesDeliversAllOfIt() throws Exception {
    // The FIN reaches the gateway while most of the body still waits in its socket: a proxy that
    // closes on the FIN before reading to it would lose the rest.
    assertEquals(3 << 20, fetchFromClosingUpstream("Connection: close\r\n", 3 << 20, 3 << 20));
    assertEquals(3 << 20, fetchFromClosingUpstream("", 3 << 20, 3 << 20));
  }

  /**
   * One request through the gateway to an upstream that answers {@code Content-Length: promised},
   * writes {@code sent} bytes of the pattern and closes. Returns the body bytes the client got
   * before the response completed or the connection ended, each checked.
   */
  private static long fetchFromClosingUpstream(String headExtra, long promised, int sent)
      throws Exception {
    try (ServerSocket upstream = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        GatewayFixture gw = GatewayFixture.routingAllTo("127.0.0.1:" + upstream.getLocalPort());
        Socket client = connect(gw)) {
      byte[] body = new byte[sent];
      for (int i = 0; i < sent; i++) {
        body[i] = TestUpstream.patternByte(i);
      }
      Thread app =
          new Thread(
              () -> {
                try (Socket s = upstream.accept()) {
                  RawHttp.readHead(s.getInputStream());
                  OutputStream o = s.getOutputStream();
                  o.write(
                      ("HTTP/1.1 200 OK\r\nContent-Length: "
                              + promised
                              + "\r\n"
                              + headExtra
                              + "\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  o.write(body);
                  o.flush();
                } catch (IOException e) {
                  // the test fails on what the client sees
                }
              },
              "closing-upstream");
      app.start();
      client.getOutputStream().write(get("/").getBytes(StandardCharsets.US_ASCII));
      InputStream in = client.getInputStream();
      String head = RawHttp.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      long got = readPatternBody(in, promised);
      app.join(5000);
      return got;
    }
  }

  @Test
  void aClientThatStopsReadingALargeBodyIsCutAfterTheSendTimeout() throws Exception {
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                limits: { sendTimeout: 1s }
                upstream: { readTimeout: 1s }
                hosts:
                  - host: "*"
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(app.endpoint()));
        Socket client = new Socket()) {
      client.setReceiveBufferSize(64 * 1024);
      client.connect(new InetSocketAddress("127.0.0.1", gw.httpPort()), 2000);
      client
          .getOutputStream()
          .write(get("/bytes?n=" + (512L << 20)).getBytes(StandardCharsets.US_ASCII));
      // Read nothing: the gateway's queue and the sockets fill, then nothing moves. The gateway
      // must give up on the client: the exchange ends (and is counted) with the body unsent.
      await().atMost(Duration.ofSeconds(15)).until(() -> gw.metric("turnout_requests_total{") >= 1);
      // What was in flight still arrives, then the connection ends (EOF or reset), never a hang.
      client.setSoTimeout(10_000);
      long got = 0;
      try {
        InputStream in = client.getInputStream();
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          got += n;
        }
      } catch (SocketException reset) {
        // the gateway reset the connection: ended too
      }
      assertTrue(got < (512L << 20), "the body cannot have completed: " + got);
    }
  }

  private static Socket connect(GatewayFixture gw) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", gw.httpPort()), 2000);
    s.setSoTimeout(20_000);
    return s;
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  /** Reads a {@code /bytes} body of {@code n} bytes, checking each byte. */
  private static long readPatternBody(InputStream in, long n) throws IOException {
    byte[] buf = new byte[1 << 16];
    long got = 0;
    while (got < n) {
      int r;
      try {
        r = in.read(buf, 0, (int) Math.min(buf.length, n - got));
      } catch (SocketException reset) {
        break;
      }
      if (r < 0) {
        break;
      }
      for (int i = 0; i < r; i++) {
        if (buf[i] != TestUpstream.patternByte(got + i)) {
          throw new AssertionError("byte " + (got + i) + " of the body differs");
        }
      }
      got += r;
    }
    return got;
  }
}
