package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.turnout.gateway.testing.ForkedGateway;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportTest {
  private static final Throwable GONE = new UnsatisfiedLinkError("no library");

  @Test
  void eachSettingPicksItsTransportAndANativeOneThatCannotLoadFallsBack() {
    assertEquals(Transport.IO_URING, Transport.choose("auto", null, null));
    assertEquals(Transport.EPOLL, Transport.choose("auto", null, GONE));
    assertEquals(Transport.NIO, Transport.choose("auto", GONE, GONE));
    assertEquals(Transport.IO_URING, Transport.choose("io_uring", null, null));
    assertEquals(Transport.EPOLL, Transport.choose("io_uring", null, GONE));
    assertEquals(Transport.NIO, Transport.choose("io_uring", GONE, GONE));
    assertEquals(Transport.NIO, Transport.choose("epoll", GONE, null));
    assertEquals(Transport.NIO, Transport.choose("nio", null, null));
    assertThrows(IllegalArgumentException.class, () -> Transport.choose("uring", null, null));
  }

  private static String config(TestUpstream app, String transport) {
    return """
        listen: { http: 0, admin: 0, address: 127.0.0.1, transport: %s }
        hosts:
          - host: shop.test
            routes: [{path: /, versions: [{name: blue, weight: 1, endpoints: ["%s"]}]}]
        """
        .formatted(transport, app.endpoint());
  }

  /** Each transport this machine has proxies a request (io_uring falls back where it cannot). */
  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void aRequestIsProxiedOverEachTransport(String transport) throws Exception {
    try (TestUpstream app = TestUpstream.start("blue");
        GatewayFixture gw = GatewayFixture.start(config(app, transport))) {
      HttpResponse<String> res = gw.get("shop.test", "/x");
      assertEquals(200, res.statusCode());
      assertEquals("blue", res.body());
    }
  }

  /** Netty's switch for "no native libraries" stands in for a kernel without io_uring. */
  @Test
  void ioUringThatCannotLoadFallsBackWithALogLineThatSaysWhy() throws Exception {
    String log = logOfAGatewayWithoutNativeTransports("io_uring");
    assertTrue(
        log.contains("listen.transport: io_uring is not available here (")
            && log.contains("using nio instead"),
        log);
    assertTrue(log.contains("transport nio"), log);
  }

  /** {@code auto} prefers io_uring; where it cannot load, it says so once, as information. */
  @Test
  void autoPassesOverAnIoUringThatCannotLoadAndSaysWhy() throws Exception {
    String log = logOfAGatewayWithoutNativeTransports("auto");
    assertTrue(
        log.lines()
            .anyMatch(
                l ->
                    l.contains(" INFO ")
                        && l.contains("listen.transport: auto: io_uring is not available here (")
                        && l.endsWith("); using nio")),
        log);
    assertTrue(
        log.lines().noneMatch(l -> l.contains("WARN") && l.contains("listen.transport")), log);
    assertTrue(log.contains("transport nio"), log);
  }

  /** A gateway in its own JVM with Netty's native transports off, once it has proxied a request. */
  private static String logOfAGatewayWithoutNativeTransports(String transport) throws Exception {
    try (TestUpstream app = TestUpstream.start("blue");
        ForkedGateway gw =
            ForkedGateway.start(config(app, transport), "-Dio.netty.transport.noNative=true")) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.httpPort() + "/x"))
              .header("Host", "shop.test")
              .build();
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> client.send(req, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      return gw.log();
    }
  }

  /**
   * The gateway does not set TCP_NODELAY (a system call per connection): it relies on every
   * transport's socket config turning Nagle off by default. This fails if a Netty upgrade stops
   * doing so.
   */
  @ParameterizedTest
  @ValueSource(strings = {"io_uring", "epoll", "nio"})
  void socketsHaveNagleOffWithoutTheGatewayAskingForIt(String setting) throws Exception {
    Transport transport = Transport.select(setting);
    SocketChannel ch = transport.socketChannel().getDeclaredConstructor().newInstance();
    try {
      assertTrue(ch.config().getOption(ChannelOption.TCP_NODELAY), transport + " socket");
    } finally {
      ch.unsafe().closeForcibly();
    }
  }
}
