package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;
import io.turnout.gateway.source.DrainAuthority;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An exchange's states and what late callbacks do, on {@link EmbeddedChannel}s: the client channel
 * holds the connection handler, and the upstream connections are embedded channels adopted by the
 * pool, fed decoded responses. No socket: what is pinned here is the order of things.
 */
class ExchangeTest {
  private static final String CONFIG =
      """
      upstream: { maxConnectionsPerEndpoint: 1 }
      hosts:
        - host: shop
          routes:
            - path: /
              versions:
                - {name: v1, weight: 1, endpoints: ["127.0.0.1:9"]}
      """;

  private final GatewayMetrics metrics = new GatewayMetrics();
  private ProxyContext proxy;
  private VersionTarget v1;
  private UpstreamEndpoint endpoint;
  private ProxyFrontendHandler handler;
  private EmbeddedChannel client;
  private UpstreamPool pool;

  @BeforeEach
  void setUp() throws Exception {
    GatewayConfig config = ConfigFile.parse(CONFIG);
    RoutingState routing =
        new RoutingState(
            metrics,
            config.affinity(),
            config.preview(),
            config.assets(),
            DrainAuthority.GATEWAY_HISTORY);
    routing.offer(ConfigFile.snapshotOf(config, 1), "test");
    proxy = new ProxyContext(routing, metrics, config, Transport.best());
    v1 = routing.table().host("shop").route("/").versions().get(0);
    endpoint = v1.endpoints()[0];
    handler = new ProxyFrontendHandler(proxy, null);
    client = new EmbeddedChannel(handler);
    pool = proxy.pool(client.eventLoop());
  }

  @AfterEach
  void tearDown() {
    client.finishAndReleaseAll();
  }

  private static HttpRequest get(String uri) {
    HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    req.headers().set(HttpHeaderNames.HOST, "shop");
    return req;
  }

  private static HttpResponse okHead(int length) {
    HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, length);
    return res;
  }

  private static LastHttpContent body(String text) {
    return new DefaultLastHttpContent(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
  }

  /** A new upstream connection, idle in the pool. */
  private EmbeddedChannel idleUpstream() {
    EmbeddedChannel up = new EmbeddedChannel();
    pool.adopt(endpoint, up);
    return up;
  }

  /** Sends a bodiless GET from the client and returns what reached {@code up}. */
  private HttpRequest sendGet(String uri, EmbeddedChannel up) {
    client.writeInbound(get(uri));
    client.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    HttpRequest sent = up.readOutbound();
    Object end = up.readOutbound();
    assertTrue(end instanceof LastHttpContent, "request end forwarded: " + end);
    return sent;
  }

  /** Reads the client side: a head and its body, released; returns the status. */
  private int readResponse() {
    Object head = client.readOutbound();
    int status = ((HttpResponse) head).status().code();
    if (!(head instanceof FullHttpResponse)) {
      Object end = client.readOutbound();
      assertTrue(end instanceof HttpContent, "response body: " + end);
    }
    ReferenceCountUtil.release(head);
    releaseAll(client);
    return status;
  }

  private static void releaseAll(EmbeddedChannel ch) {
    Object o;
    while ((o = ch.readOutbound()) != null) {
      ReferenceCountUtil.release(o);
    }
  }

  private double upstreamErrors(String kind) {
    Counter c = metrics.registry().find("turnout.upstream.errors").tag("kind", kind).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aRequestGoesThroughEveryStateAndItsConnectionReturnsToThePool() {
    EmbeddedChannel up = idleUpstream();
    client.writeInbound(get("/a"));
    Exchange ex = handler.current();
    assertEquals(Exchange.State.SENDING, ex.state(), "an idle connection is lent at once");
    client.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    assertEquals("/a", ((HttpRequest) up.readOutbound()).uri());
    releaseAll(up);

    up.writeInbound(okHead(2));
    assertEquals(Exchange.State.RESPONDING, ex.state());
    up.writeInbound(body("ok"));
    assertEquals(Exchange.State.DONE, ex.state());
    assertEquals(200, readResponse());
    assertEquals(1, pool.idleCount(endpoint), "kept alive for the next request");
    assertEquals(1, v1.meters().totals().requests());
    assertTrue(client.isOpen());

    sendGet("/b", up);
    assertNotSame(ex, handler.current(), "one exchange per request");
    assertEquals(Exchange.State.SENDING, handler.current().state());
  }

  @Test
  void callbacksThatArriveAfterTheExchangeEndedDoNothing() {
    EmbeddedChannel up = idleUpstream();
    sendGet("/a", up);
    Exchange ex = handler.current();
    up.writeInbound(okHead(2));
    up.writeInbound(body("ok"));
    assertEquals(200, readResponse());
    assertEquals(Exchange.State.DONE, ex.state());

    ex.upstreamClosed();
    ex.upstreamTimedOut(UpstreamTimeout.READ);
    ex.fail(FailureKind.RESPONSE_TIMEOUT, null);
    ex.fail(FailureKind.CLIENT_CLOSED, null);
    HttpResponse stray = okHead(0);
    ex.upstreamRead(stray);

    assertEquals(Exchange.State.DONE, ex.state());
    assertNull(client.readOutbound(), "nothing written for a finished exchange");
    assertTrue(client.isOpen());
    assertEquals(0, upstreamErrors("timeout") + upstreamErrors("reset"));
    assertEquals(1, v1.meters().totals().requests(), "recorded once");
    assertEquals(0, endpoint.inFlight());
  }

  @Test
  void aConnectionLentAfterTheClientLeftGoesBackToThePool() {
    EmbeddedChannel up = idleUpstream();
    sendGet("/a", up); // takes the only connection the endpoint may have
    EmbeddedChannel other = new EmbeddedChannel(new ProxyFrontendHandler(proxy, null));
    other.writeInbound(get("/waits"));
    ProxyFrontendHandler otherHandler = (ProxyFrontendHandler) other.pipeline().first();
    Exchange waiting = otherHandler.current();
    assertEquals(Exchange.State.CONNECTING, waiting.state(), "in the pool's wait line");
    other.close();
    assertEquals(Exchange.State.FAILED, waiting.state(), "client gone: logged 499, no answer");

    up.writeInbound(okHead(2));
    up.writeInbound(body("ok"));
    assertEquals(200, readResponse());
    assertEquals(
        1, pool.idleCount(endpoint), "handed to the leaver's exchange, which gave it back");
    assertNull(up.readOutbound(), "nothing sent for the client that left");
    assertEquals(0, endpoint.inFlight());
    other.finishAndReleaseAll();
  }

  @Test
  void anEarlyCloseOfAReusedConnectionRetriesAGetOnAnotherConnection() {
    EmbeddedChannel spare = idleUpstream();
    EmbeddedChannel up = idleUpstream();
    sendGet("/a", up);
    up.writeInbound(okHead(2));
    up.writeInbound(body("ok"));
    assertEquals(200, readResponse());

    sendGet("/b", up); // the same, now reused, connection (last in, first out)
    Exchange ex = handler.current();
    up.close(); // the upstream's keep-alive timeout crossed our request
    assertEquals(Exchange.State.SENDING, ex.state(), "retried");
    assertEquals("/b", ((HttpRequest) spare.readOutbound()).uri());
    releaseAll(spare);
    assertEquals(1, upstreamErrors("reset"));
    assertFalse(endpoint.isEjected(System.nanoTime()));

    spare.writeInbound(okHead(2));
    spare.writeInbound(body("ok"));
    assertEquals(200, readResponse());
    assertSame(Exchange.State.DONE, ex.state());
  }

  @Test
  void anUpstreamCloseMidResponseCutsTheClientAndRecordsTheRelayedStatus() {
    EmbeddedChannel up = idleUpstream();
    sendGet("/a", up);
    Exchange ex = handler.current();
    up.writeInbound(okHead(10));
    up.close();
    assertEquals(Exchange.State.FAILED, ex.state());
    assertFalse(client.isOpen(), "a truncated response, never a clean end");
    assertEquals(1, upstreamErrors("reset"));
    assertEquals(1, v1.meters().totals().requests());
    assertEquals(0, endpoint.inFlight());
    releaseAll(client);
  }

  @Test
  void aRefusedRequestIsAnsweredByTheGatewayAndTheConnectionKeptForTheNext() {
    HttpRequest req = get("/a");
    req.headers().set(HttpHeaderNames.HOST, "elsewhere");
    client.writeInbound(req);
    client.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    assertNull(handler.current(), "the refused exchange is over and not kept");
    assertEquals(404, readResponse());
    assertTrue(client.isOpen(), "nothing left unread: keep-alive");

    EmbeddedChannel up = idleUpstream();
    sendGet("/next", up);
    assertEquals(Exchange.State.SENDING, handler.current().state());
  }
}
