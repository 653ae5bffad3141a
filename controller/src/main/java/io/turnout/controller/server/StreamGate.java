package io.turnout.controller.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Decides whether a request may open a snapshot stream: the bearer token when one is set (compared
 * in constant time), then the cap on open streams.
 *
 * <p>Immutable apart from its counters; used on any event loop.
 */
final class StreamGate {
  /** A refused stream: the status and the body to answer with. */
  record Refusal(HttpResponseStatus status, String message) {}

  private final byte[] expected;
  private final int maxStreams;
  private final Counter refusedToken;
  private final Counter refusedLimit;

  StreamGate(String token, int maxStreams, MeterRegistry registry) {
    this.expected = token == null ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    this.maxStreams = maxStreams;
    this.refusedToken = refused(registry, "token");
    this.refusedLimit = refused(registry, "limit");
  }

  private static Counter refused(MeterRegistry registry, String reason) {
    return Counter.builder("turnout.controller.clients.refused")
        .description("Snapshot stream requests refused, by reason")
        .tag("reason", reason)
        .register(registry);
  }

  /**
   * True when no token is set or {@code req} carries it (compared in constant time). The same token
   * guards the gateways' reports ({@code POST /v1/reports}).
   */
  boolean authorized(HttpRequest req) {
    if (expected == null) {
      return true;
    }
    String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION);
    byte[] given = auth == null ? new byte[0] : auth.trim().getBytes(StandardCharsets.UTF_8);
    if (MessageDigest.isEqual(expected, given)) {
      return true;
    }
    refusedToken.increment();
    return false;
  }

  Refusal admit(HttpRequest req, int openStreams) {
    if (!authorized(req)) {
      return new Refusal(
          HttpResponseStatus.UNAUTHORIZED, "snapshot stream needs Authorization: Bearer\n");
    }
    if (openStreams >= maxStreams) {
      refusedLimit.increment();
      return new Refusal(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "too many snapshot streams (" + maxStreams + "); retry later\n");
    }
    return null;
  }
}
