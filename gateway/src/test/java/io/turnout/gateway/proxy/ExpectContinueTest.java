package io.turnout.gateway.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Headers;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.RawHttp2Client;
import io.turnout.gateway.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code Expect: 100-continue}: the gateway answers {@code 100 Continue} itself, so a client that
 * waits for it sends its body, and the upstream never sees the expectation. The answer comes when
 * the request's turn comes, after the responses to the requests pipelined before it.
 */
class ExpectContinueTest {
  private static final Duration PATIENCE = Duration.ofSeconds(10);
  private static TestUpstream app;
  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    gw = GatewayFixture.routingAllTo(app.endpoint());
  }

  @AfterAll
  static void stop() {
    gw.close();
    app.close();
  }

  @Test
  void theClientGets100ContinueThenTheAnswerToItsBody() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      send(
          out,
          "PUT /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      assertTrue(RawHttp.readHead(in).startsWith("HTTP/1.1 100 Continue"), "100 Continue first");
      send(out, "hello");
      String head = RawHttp.readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 200"), head);
      assertEquals("5", readBody(in, head), "the upstream got the 5 bytes");
    }
    assertNull(app.lastHeaders().get("Expect"), "the expectation stays with the gateway");
  }

  @Test
  void aPipelinedRequestsContinueFollowsTheResponseBeforeIt() throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw.httpPort())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      // The first answer takes 300 ms; the second request's head arrives with the first.
      send(
          out,
          "GET /slow?ms=300 HTTP/1.1\r\nHost: x\r\n\r\n"
              + "PUT /upload HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
      String first = RawHttp.readHead(in);
      assertTrue(first.startsWith("HTTP/1.1 200"), "the first response comes first: " + first);
      assertEquals("app", readBody(in, first));
      assertTrue(RawHttp.readHead(in).startsWith("HTTP/1.1 100 Continue"), "then the second's 100");
      send(out, "hello");
      String second = RawHttp.readHead(in);
      assertTrue(second.startsWith("HTTP/1.1 200"), second);
      assertEquals("5", readBody(in, second));
    }
  }

  @Test
  void anHttp2StreamGets100ContinueThenItsAnswer() throws Exception {
    try (RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      Http2Headers h = RawHttp2Client.request("PUT", "x", "/upload");
      h.set("expect", "100-continue").set("content-length", "5");
      c.send(ctx -> c.writer.writeHeaders(ctx, 1, h, 0, false, ctx.newPromise()));
      await().atMost(PATIENCE).until(() -> c.statusHistory.containsKey(1));
      c.send(
          ctx ->
              c.writer.writeData(
                  ctx,
                  1,
                  Unpooled.copiedBuffer("hello", StandardCharsets.US_ASCII),
                  0,
                  true,
                  ctx.newPromise()));
      await().atMost(PATIENCE).until(() -> c.ended.containsKey(1));
      assertEquals(List.of("100", "200"), c.statusHistory.get(1));
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads the body a head announces with Content-Length. */
  private static String readBody(InputStream in, String head) throws IOException {
    int length = -1;
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    assertTrue(length >= 0, "no Content-Length in " + head);
    return new String(in.readNBytes(length), StandardCharsets.US_ASCII);
  }
}
