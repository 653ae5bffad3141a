package io.turnout.gateway.proxy.http2;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Error;
import io.turnout.gateway.testing.Commands;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp2Client;
import io.turnout.gateway.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies and ends of HTTP/2 streams, which the gateway runs from their frames on the connection's
 * pipeline: a request body many stream windows long reaches the app whole (its window given back as
 * it is forwarded), a response waits for the client's window with the upstream held back, a
 * client's reset ends the exchange and its upstream connection while the connection serves on, and
 * a refused upload gets its answer and the stream ends without the rest of the body.
 */
class Http2StreamFlowTest {
  private static final String HOST = "shop.example.com";
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static TestUpstream app;
  private static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    gw =
        GatewayFixture.start(
            """
            accessLog: false
            limits: { bodyReadTimeout: 1s }
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

  private static Commands.Result curlUpload(String host, Path file) throws Exception {
    assumeTrue(Commands.curlHasHttp2(), "this curl has no HTTP2 support");
    int port = gw.httpPort();
    return Commands.run(
        60,
        List.of(
            "curl",
            "-sS",
            "--max-time",
            "30",
            "--http2-prior-knowledge",
            "--resolve",
            host + ":" + port + ":127.0.0.1",
            "--data-binary",
            "@" + file,
            "-w",
            " %{http_version} %{http_code}",
            "http://" + host + ":" + port + "/upload"));
  }

  private static Path bodyOf(int bytes) throws Exception {
    Path f = Files.createTempFile("turnout-h2-body", ".bin");
    Files.write(f, new byte[bytes]);
    return f;
  }

  @Test
  void anUploadOfManyStreamWindowsReachesTheAppWhole() throws Exception {
    int size = 3 * 1024 * 1024; // 48 times the default stream window
    Commands.Result r = curlUpload(HOST, bodyOf(size));
    assertEquals(0, r.exitCode(), r.output());
    assertEquals(size + " 2 200", r.output());
  }

  @Test
  void anUploadToAnUnknownHostIsRefusedAndTheStreamEnds() throws Exception {
    Commands.Result r = curlUpload("nowhere.example.com", bodyOf(3 * 1024 * 1024));
    assertEquals(0, r.exitCode(), r.output());
    assertTrue(r.output().endsWith(" 2 404"), r.output());
  }

  @Test
  void aResponseWaitsForTheClientsWindowAndAResetFreesItsUpstream() throws Exception {
    int connectionsBefore = app.openConnections();
    try (RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      // The raw client never gives window back: the gateway may send it 65,535 bytes of the
      // 64 MiB, and must hold the rest back, reading the upstream no further than it can hold.
      c.send(
          ctx ->
              c.writer.writeHeaders(
                  ctx,
                  1,
                  RawHttp2Client.request("GET", HOST, "/bytes?n=67108864"),
                  0,
                  true,
                  ctx.newPromise()));
      await().atMost(PATIENCE).until(() -> "200".equals(c.statuses.get(1)));
      await()
          .during(Duration.ofSeconds(1))
          .atMost(PATIENCE)
          .until(() -> c.isOpen() && c.ended.get(1) == null);

      c.send(ctx -> c.writer.writeRstStream(ctx, 1, Http2Error.CANCEL.code(), ctx.newPromise()));
      // The response was cut: its upstream connection cannot be reused, so it is closed.
      await().atMost(PATIENCE).until(() -> app.openConnections() <= connectionsBefore);

      c.send(
          ctx -> {
            // The first stream's bytes used up the connection's window too.
            c.writer.writeWindowUpdate(ctx, 0, 1 << 20, ctx.newPromise());
            c.writer.writeHeaders(
                ctx, 3, RawHttp2Client.request("GET", HOST, "/any"), 0, true, ctx.newPromise());
          });
      await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(c.ended.get(3)));
      assertEquals("200", c.statuses.get(3));
      assertTrue(c.isOpen(), "a reset ends the stream, not the connection");
      assertNull(c.resets.get(3));
      assertFalse(c.goAwayError.get() > 0);
    }
  }

  @Test
  void anUploadThatStallsBetweenPiecesGets408() throws Exception {
    long before = app.bytesReceived();
    try (RawHttp2Client c = RawHttp2Client.connect(gw.httpPort(), true)) {
      c.send(
          ctx -> {
            c.writer.writeHeaders(
                ctx,
                1,
                RawHttp2Client.request("POST", HOST, "/upload").add("content-length", "10"),
                0,
                false,
                ctx.newPromise());
            c.writer.writeData(
                ctx, 1, Unpooled.wrappedBuffer(new byte[5]), 0, false, ctx.newPromise());
          });
      // The first piece reaches the app; the gateway now waits for the next one, timed.
      await().atMost(PATIENCE).until(() -> app.bytesReceived() >= before + 5);
      // A second piece arrives while that wait's timer is armed; the wait after it is timed too.
      c.send(
          ctx ->
              c.writer.writeData(
                  ctx, 1, Unpooled.wrappedBuffer(new byte[2]), 0, false, ctx.newPromise()));
      await().atMost(PATIENCE).until(() -> c.statuses.get(1) != null);
      assertEquals("408", c.statuses.get(1));
      assertTrue(c.isOpen(), "a timed-out stream ends the stream, not the connection");
    }
  }
}
