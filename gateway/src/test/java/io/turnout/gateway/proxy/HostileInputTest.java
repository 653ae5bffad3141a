package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.RawHttp;
import io.turnout.gateway.testing.TestUpstream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests two hops could read two ways (request smuggling, RFC 9112 sections 6 and 11.2), sent
 * byte for byte over a raw socket. Each one is answered by the gateway with the right status, the
 * connection is closed, and the upstream never sees a request.
 */
class HostileInputTest {
  static TestUpstream app;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    app = TestUpstream.start("app");
    gateway =
        GatewayFixture.start(
            """
            hosts:
              - host: shop.example.com
                routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(app.endpoint()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    app.close();
  }

  static Stream<Arguments> hostileRequests() {
    String h = "Host: shop.example.com\r\n";
    return Stream.of(
        Arguments.of(
            "Content-Length with Transfer-Encoding",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX",
            400),
        Arguments.of(
            "conflicting Content-Length",
            "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            400),
        Arguments.of(
            "repeated equal Content-Length",
            "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
            400),
        Arguments.of(
            "Content-Length as a list",
            "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 3, 3\r\n\r\nabc",
            400),
        Arguments.of(
            "signed Content-Length",
            "POST /upload HTTP/1.1\r\n" + h + "Content-Length: +3\r\n\r\nabc",
            400),
        Arguments.of(
            "Transfer-Encoding that does not end in chunked",
            "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\nabc",
            400),
        Arguments.of(
            "Transfer-Encoding with an unsupported coding before chunked",
            "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
            501),
        Arguments.of(
            "chunked applied twice",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "Transfer-Encoding lookalike",
            "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "Transfer-Encoding in HTTP/1.0",
            "POST /upload HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "chunk size that is not hex",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "chunk size with a 0x prefix",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\n\r\n0x3\r\nabc\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "negative chunk size",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\n\r\n-3\r\nabc\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "chunk size overflowing 64 bits",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\n\r\n10000000000000003\r\nabc\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "chunk size followed by a space",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "obsolete line folding",
            "GET /any HTTP/1.1\r\n" + h + "X-Note: one\r\n two\r\n\r\n",
            400),
        Arguments.of(
            "obsolete line folding of Transfer-Encoding",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Transfer-Encoding: identity\r\n\tchunked\r\nContent-Length: 3\r\n\r\nabc",
            400),
        Arguments.of(
            "whitespace before the colon",
            "GET /any HTTP/1.1\r\nHost : shop.example.com\r\n\r\n",
            400),
        Arguments.of(
            "whitespace before the colon of Transfer-Encoding",
            "POST /upload HTTP/1.1\r\n"
                + h
                + "Content-Length: 3\r\nTransfer-Encoding : chunked\r\n\r\nabc",
            400),
        Arguments.of(
            "whitespace before the first header", "GET /any HTTP/1.1\r\n " + h + "\r\n", 400),
        Arguments.of("missing Host", "GET /any HTTP/1.1\r\nAccept: */*\r\n\r\n", 400),
        Arguments.of("two Host headers", "GET /any HTTP/1.1\r\n" + h + h + "\r\n", 400),
        Arguments.of("Host with a space", "GET /any HTTP/1.1\r\nHost: shop example\r\n\r\n", 400),
        Arguments.of(
            "Host with userinfo", "GET /any HTTP/1.1\r\nHost: me@shop.example.com\r\n\r\n", 400),
        Arguments.of(
            "Host with a path", "GET /any HTTP/1.1\r\nHost: shop.example.com/x\r\n\r\n", 400),
        Arguments.of(
            "absolute-form target with another Host",
            "GET http://evil.example.org/any HTTP/1.1\r\n" + h + "\r\n",
            400),
        Arguments.of(
            "CONNECT",
            "CONNECT shop.example.com:443 HTTP/1.1\r\nHost: shop.example.com:443\r\n\r\n",
            405),
        Arguments.of("bare LF line ends", "GET /any HTTP/1.1\nHost: shop.example.com\n\n", 400),
        Arguments.of(
            "NUL in a header value", "GET /any HTTP/1.1\r\n" + h + "X-Note: a\0b\r\n\r\n", 400),
        Arguments.of("space inside the request target", "GET /a b HTTP/1.1\r\n" + h + "\r\n", 400));
  }

  @ParameterizedTest(name = "{0} gets {2}")
  @MethodSource("hostileRequests")
  void ambiguousRequestIsAnsweredByTheGatewayAndClosedAndNeverForwarded(
      String what, String request, int status) {
    int before = app.requestsReceived();
    RawHttp.Exchange ex = RawHttp.exchange(gateway.httpPort(), request, 5000);
    assertEquals(status, ex.status(), what + ": " + ex.response());
    assertTrue(ex.closed(), what + ": connection left open");
    assertTrue(ex.head().contains("text/plain"), ex.head());
    assertTrue(ex.head().toLowerCase().contains("connection: close"), ex.head());
    assertEquals(before, app.requestsReceived(), what + ": reached the upstream");
  }

  @Test
  void wellFormedChunkedRequestOfTheSameShapePasses() {
    RawHttp.Exchange ex =
        RawHttp.exchange(
            gateway.httpPort(),
            "POST /upload HTTP/1.1\r\nHost: shop.example.com\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n",
            5000);
    assertEquals(200, ex.status(), ex.response());
    assertEquals("5", ex.body());
  }

  static Stream<Arguments> bodiesGoingBadAfterAGoodChunk() {
    String head =
        "POST /upload HTTP/1.1\r\nHost: shop.example.com\r\nTransfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        Arguments.of("a chunk size that is not hex", head + "3\r\nabc\r\nzz\r\nmore\r\n0\r\n\r\n"),
        Arguments.of("chunk data longer than its size", head + "3\r\nabcd\r\n0\r\n\r\n"),
        Arguments.of("a chunk without its CRLF", head + "3\r\nabc0\r\n\r\n"));
  }

  /**
   * The head and the good chunks were already streamed up when the bad one arrives: the upstream
   * connection is dropped mid-body, so the upstream never sees a complete request.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("bodiesGoingBadAfterAGoodChunk")
  void bodyGoingBadMidwayCutsTheUpstreamOffBeforeTheRequestCompletes(String what, String request) {
    int completed = app.requestsCompleted();
    RawHttp.Exchange ex = RawHttp.exchange(gateway.httpPort(), request, 5000);
    assertEquals(400, ex.status(), what + ": " + ex.response());
    assertTrue(ex.closed(), what + ": connection left open");
    assertEquals(completed, app.requestsCompleted(), what + ": the upstream saw a whole request");
  }
}
