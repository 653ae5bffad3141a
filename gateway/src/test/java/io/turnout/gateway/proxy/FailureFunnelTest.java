package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.metrics.UpstreamErrorKind;
import org.junit.jupiter.api.Test;

/**
 * What each failure does, decided in one place: metric, ejection, retry (attempts, body sent,
 * {@link ReplayRule}, {@link RetryBudget}), upstream reset, the answer's status, and whether the
 * client connection must close or is cut.
 */
class FailureFunnelTest {
  private final FailureFunnel funnel = new FailureFunnel(new RetryBudget(0.2, 20));

  private static FailureFunnel.Facts before(boolean reused, boolean replayable, int attempts) {
    return new FailureFunnel.Facts(false, reused, replayable, attempts, false, "v1", "went silent");
  }

  private static FailureFunnel.Facts midResponse() {
    return new FailureFunnel.Facts(true, false, true, 1, false, "v1", "went silent");
  }

  @Test
  void aRefusedConnectCountsTowardsEjectionAndIsRetriedElsewhereElse502() {
    FailureFunnel.Decision d = funnel.decide(FailureKind.CONNECT, before(false, false, 1));
    assertEquals(UpstreamErrorKind.CONNECT, d.metric());
    assertTrue(d.eject());
    assertTrue(d.retry(), "a connect failure never reached the app: even a POST is retried");
    assertTrue(d.avoidFailedEndpoint());
    assertEquals(502, d.status().code());
    assertEquals("could not connect to version v1", d.reason());
    assertFalse(d.mustClose());
  }

  @Test
  void aFullPoolIsNoFaultOfTheEndpointAndAnswers503() {
    FailureFunnel.Decision d = funnel.decide(FailureKind.POOL, before(false, false, 1));
    assertEquals(UpstreamErrorKind.POOL, d.metric());
    assertFalse(d.eject());
    assertTrue(d.retry());
    assertEquals(503, d.status().code());
  }

  @Test
  void noRetryOnceAttemptsAreSpentOrABodyByteWentUpAndNoBudgetTokenIsTakenThen() {
    FailureFunnel oneToken = new FailureFunnel(new RetryBudget(0, 1));
    assertFalse(
        oneToken
            .decide(FailureKind.CONNECT, before(false, false, ProxyContext.MAX_ATTEMPTS))
            .retry());
    FailureFunnel.Facts bodySent =
        new FailureFunnel.Facts(false, false, false, 1, true, "v1", null);
    assertFalse(oneToken.decide(FailureKind.CONNECT, bodySent).retry());
    assertTrue(oneToken.decide(FailureKind.CONNECT, before(false, false, 1)).retry(), "token kept");
    assertFalse(
        oneToken.decide(FailureKind.CONNECT, before(false, false, 1)).retry(), "budget spent");
  }

  @Test
  void anEarlyCloseIsRetriedOnlyWhenReplayableAndEjectsOnlyOnAFreshConnection() {
    FailureFunnel.Decision reusedGet =
        funnel.decide(FailureKind.UPSTREAM_CLOSED, before(true, true, 1));
    assertEquals(UpstreamErrorKind.RESET, reusedGet.metric());
    assertFalse(reusedGet.eject(), "a keep-alive race says nothing about the endpoint");
    assertTrue(reusedGet.retry());
    assertFalse(reusedGet.avoidFailedEndpoint(), "the same endpoint may serve the retry");

    FailureFunnel.Decision freshPost =
        funnel.decide(FailureKind.UPSTREAM_CLOSED, before(false, false, 1));
    assertTrue(freshPost.eject());
    assertFalse(freshPost.retry(), "a POST written upstream is never sent twice");
    assertEquals(502, freshPost.status().code());
    assertFalse(freshPost.mustClose());
  }

  @Test
  void timeoutsAnswer504AndOnlyAnUpstreamTimeoutResetsTheUpstream() {
    FailureFunnel.Decision read =
        funnel.decide(FailureKind.UPSTREAM_TIMEOUT, before(false, true, 1));
    assertEquals(UpstreamErrorKind.TIMEOUT, read.metric());
    assertEquals(504, read.status().code());
    assertEquals("version v1 went silent", read.reason());
    assertTrue(read.resetUpstream());
    assertFalse(read.retry(), "the app may be working on it");
    assertFalse(read.eject());

    FailureFunnel.Decision head =
        funnel.decide(FailureKind.RESPONSE_TIMEOUT, before(false, true, 1));
    assertEquals(UpstreamErrorKind.TIMEOUT, head.metric());
    assertEquals(504, head.status().code());
    assertFalse(head.resetUpstream());
  }

  @Test
  void clientSideFailuresCountNoUpstreamErrorAndCloseTheConnection() {
    assertAnswer(FailureKind.BODY_TOO_LARGE, 413);
    assertAnswer(FailureKind.BODY_MALFORMED, 400);
    assertAnswer(FailureKind.BODY_TIMEOUT, 408);
    assertAnswer(FailureKind.BODY_DURING_RETRY, 502);
    FailureFunnel.Decision protocol =
        funnel.decide(FailureKind.UPSTREAM_PROTOCOL, before(false, true, 1));
    assertEquals(UpstreamErrorKind.PROTOCOL, protocol.metric());
    assertEquals(502, protocol.status().code());
    assertTrue(protocol.mustClose());
  }

  private void assertAnswer(FailureKind kind, int status) {
    FailureFunnel.Decision d = funnel.decide(kind, before(false, true, 1));
    assertNull(d.metric(), kind.name());
    assertFalse(d.retry(), kind.name());
    assertFalse(d.eject(), kind.name());
    assertEquals(status, d.status().code(), kind.name());
    assertTrue(d.mustClose(), kind.name());
  }

  @Test
  void afterTheResponseHeadAFailureCutsTheClientAndATimeoutResetsIt() {
    FailureFunnel.Decision closed = funnel.decide(FailureKind.UPSTREAM_CLOSED, midResponse());
    assertEquals(UpstreamErrorKind.RESET, closed.metric());
    assertNull(closed.status(), "a truncated message, never a second head");
    assertEquals(AfterExchange.CUT, closed.cut());
    assertFalse(closed.retry());
    assertFalse(closed.eject());

    FailureFunnel.Decision timeout = funnel.decide(FailureKind.UPSTREAM_TIMEOUT, midResponse());
    assertEquals(AfterExchange.RESET, timeout.cut());
    assertTrue(timeout.resetUpstream());

    assertEquals(AfterExchange.CUT, funnel.decide(FailureKind.BODY_TOO_LARGE, midResponse()).cut());
  }

  @Test
  void aClientThatLeftGetsNothingWrittenAndNothingRetried() {
    for (FailureFunnel.Facts f :
        new FailureFunnel.Facts[] {before(false, true, 1), midResponse()}) {
      FailureFunnel.Decision d = funnel.decide(FailureKind.CLIENT_CLOSED, f);
      assertNull(d.status());
      assertNull(d.metric());
      assertFalse(d.retry());
      assertEquals(AfterExchange.NOTHING, d.cut());
    }
  }

  @Test
  void theGatewaysAnswerKeepsTheConnectionOnlyForAKeepAliveClientWithNothingLeftToRead() {
    assertFalse(FailureFunnel.closeAfterAnswer(true, false, false));
    assertTrue(FailureFunnel.closeAfterAnswer(false, false, false), "client asked to close");
    assertTrue(FailureFunnel.closeAfterAnswer(true, true, false), "draining");
    assertTrue(FailureFunnel.closeAfterAnswer(true, false, true), "body bytes still unread");
  }
}
