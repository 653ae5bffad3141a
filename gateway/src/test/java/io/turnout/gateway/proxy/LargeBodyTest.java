package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.ForkedGateway;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies stream both ways, never aggregated: a gigabyte passes each way, with a content length and
 * chunked, through a gateway process whose whole heap is 64 MiB (and whose direct memory is capped
 * at the same). Bytes are counted at the far end.
 */
class LargeBodyTest {
  static final long GIB = 1L << 30;
  static TestUpstream app;
  static ForkedGateway forked;
  static HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    forked =
        ForkedGateway.start(
            """
            accessLog: false
            hosts:
              - host: "*"
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(app.endpoint()),
            "-Xmx64m",
            "-XX:MaxDirectMemorySize=64m");
  }

  @AfterAll
  static void stop() {
    forked.close();
    app.close();
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Test
  void gibibyteUploadWithContentLengthPassesASmallHeapGateway() throws Exception {
    assertEquals(Long.toString(GIB), upload(forked.httpPort(), GIB, true));
    assertTrue(forked.process().isAlive(), forked.log());
  }

  @Test
  void gibibyteChunkedUploadPassesASmallHeapGateway() throws Exception {
    assertEquals(Long.toString(GIB), upload(forked.httpPort(), GIB, false));
    assertTrue(forked.process().isAlive(), forked.log());
  }

  @Test
  void gibibyteDownloadWithContentLengthPassesASmallHeapGateway() throws Exception {
    assertEquals(GIB, download(forked.httpPort(), GIB, false));
    assertTrue(forked.process().isAlive(), forked.log());
  }

  @Test
  void gibibyteChunkedDownloadPassesASmallHeapGateway() throws Exception {
    assertEquals(GIB, download(forked.httpPort(), GIB, true));
    assertTrue(forked.process().isAlive(), forked.log());
  }

  @Test
  void bodiesOfAFewMegabytesStreamBothWaysInProcess() throws Exception {
    long n = 5L * 1024 * 1024 + 7; // not a multiple of any buffer size
    try (GatewayFixture gw = GatewayFixture.routingAllTo(app.endpoint())) {
      assertEquals(Long.toString(n), upload(gw.httpPort(), n, true));
      assertEquals(Long.toString(n), upload(gw.httpPort(), n, false));
      assertEquals(n, download(gw.httpPort(), n, false));
      assertEquals(n, download(gw.httpPort(), n, true));
    }
  }

  /** POSTs {@code n} bytes; the upstream answers how many it received. */
  private static String upload(int port, long n, boolean withLength) throws Exception {
    BodyPublisher body = BodyPublishers.ofInputStream(() -> new ZeroStream(n));
    if (withLength) {
      body = BodyPublishers.fromPublisher(body, n);
    }
    HttpResponse<String> res =
        client.send(
            HttpRequest.newBuilder(uri(port, "/upload"))
                .timeout(Duration.ofMinutes(2))
                .POST(body)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), res.body());
    return res.body();
  }

  /** GETs {@code n} streamed bytes and counts them. */
  private static long download(int port, long n, boolean chunked) throws Exception {
    HttpResponse<InputStream> res =
        client.send(
            HttpRequest.newBuilder(uri(port, "/bytes?n=" + n + (chunked ? "&chunked=1" : "")))
                .timeout(Duration.ofMinutes(2))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, res.statusCode());
    assertEquals(
        chunked, res.headers().firstValue("transfer-encoding").orElse("").equals("chunked"));
    long count = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = res.body()) {
      int r;
      while ((r = in.read(buf)) >= 0) {
        count += r;
      }
    }
    return count;
  }

  /** {@code n} zero bytes, made up as they are read. */
  private static final class ZeroStream extends InputStream {
    private long remaining;

    ZeroStream(long n) {
      this.remaining = n;
    }

    @Override
    public int read() {
      if (remaining == 0) {
        return -1;
      }
      remaining--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int n = (int) Math.min(len, remaining);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      remaining -= n;
      return n;
    }
  }
}
