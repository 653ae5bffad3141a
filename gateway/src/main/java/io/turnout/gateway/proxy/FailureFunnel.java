package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.turnout.gateway.metrics.UpstreamErrorKind;

/**
 * The one place that decides what a failure does: which upstream error it counts as, whether it
 * counts towards ejecting the endpoint, whether the request is tried again (on which endpoint,
 * within {@link ReplayRule} and the {@link RetryBudget}), whether the upstream connection is reset,
 * which status the client gets ({@link GatewayErrors}) or, once a response is under way, how the
 * client connection is cut. {@link Exchange#fail} carries the decision out.
 *
 * <p>The rules, by kind, before any response byte went to the client:
 *
 * <pre>
 *   kind               metric    eject          retry                        answer
 *   CONNECT            connect   yes            yes, another endpoint        502
 *   POOL               pool      no             yes, another endpoint        503
 *   UPSTREAM_CLOSED    reset     if fresh conn  if ReplayRule allows         502
 *   UPSTREAM_TIMEOUT   timeout   no             no (upstream reset)          504
 *   RESPONSE_TIMEOUT   timeout   no             no                           504
 *   UPSTREAM_PROTOCOL  protocol  no             no                           502, close
 *   BODY_TOO_LARGE     -         no             no                           413, close
 *   BODY_MALFORMED     -         no             no                           400, close
 *   BODY_TIMEOUT       -         no             no                           408, close
 *   BODY_DURING_RETRY  -         no             no                           502, close
 *   CLIENT_CLOSED      -         no             no                           (none; logged 499)
 * </pre>
 *
 * A retry also needs attempts left ({@link ProxyContext#MAX_ATTEMPTS}) and no request body byte
 * sent. After the response head went out no kind retries or ejects: the client connection is cut (a
 * reset for an upstream timeout, so a body delimited by the close cannot pass for complete), and
 * the metric still counts.
 *
 * <p>Thread-safe: immutable; the budget it draws on is lock-free.
 */
final class FailureFunnel {
  /** What the exchange knows when it fails. */
  record Facts(
      boolean responseStarted,
      boolean reusedConnection,
      boolean replayable,
      int attempts,
      boolean bodySent,
      String versionName,
      String detail) {}

  /**
   * What to do.
   *
   * @param metric the upstream error to count, or null
   * @param eject whether the failed endpoint counts a failure towards ejection
   * @param retry whether to try another endpoint (a budget token is already taken)
   * @param avoidFailedEndpoint whether the retry must not pick the endpoint that failed
   * @param resetUpstream whether the upstream connection is closed with a reset
   * @param status the answer before a response started, or null when the client gets none
   * @param reason the answer's reason text
   * @param mustClose whether the client connection closes after the answer whatever keep-alive
   * @param cut what happens to the client connection when no answer is sent
   */
  record Decision(
      UpstreamErrorKind metric,
      boolean eject,
      boolean retry,
      boolean avoidFailedEndpoint,
      boolean resetUpstream,
      HttpResponseStatus status,
      String reason,
      boolean mustClose,
      AfterExchange cut) {}

  private final RetryBudget budget;

  FailureFunnel(RetryBudget budget) {
    this.budget = budget;
  }

  Decision decide(FailureKind kind, Facts f) {
    boolean resetUpstream = kind == FailureKind.UPSTREAM_TIMEOUT;
    if (kind == FailureKind.CLIENT_CLOSED) {
      return new Decision(
          null, false, false, false, false, null, null, true, AfterExchange.NOTHING);
    }
    if (f.responseStarted()) {
      AfterExchange cut = resetUpstream ? AfterExchange.RESET : AfterExchange.CUT;
      return new Decision(kind.metric(), false, false, false, resetUpstream, null, null, true, cut);
    }
    boolean eject =
        kind == FailureKind.CONNECT || kind == FailureKind.UPSTREAM_CLOSED && !f.reusedConnection();
    boolean retry = mayRetry(kind, f) && budget.tryRetry();
    // A reused keep-alive connection the upstream closed says nothing about the endpoint: the
    // same one may be picked again (on a fresh connection).
    boolean avoid = !(kind == FailureKind.UPSTREAM_CLOSED && f.reusedConnection());
    String v = "version " + f.versionName();
    return switch (kind) {
      case CONNECT -> answer(kind, eject, retry, avoid, 502, "could not connect to " + v, false);
      case POOL ->
          answer(kind, eject, retry, avoid, 503, "all connections to " + v + " are busy", false);
      case UPSTREAM_CLOSED ->
          answer(
              kind,
              eject,
              retry,
              avoid,
              502,
              "upstream closed the connection before responding",
              false);
      case UPSTREAM_TIMEOUT -> answer(kind, false, false, false, 504, v + " " + f.detail(), false);
      case RESPONSE_TIMEOUT ->
          answer(kind, false, false, false, 504, v + " did not answer in time", false);
      case UPSTREAM_PROTOCOL ->
          answer(kind, false, false, false, 502, "invalid response from upstream", true);
      case BODY_TOO_LARGE ->
          answer(kind, false, false, false, 413, "request body larger than the limit", true);
      case BODY_MALFORMED -> answer(kind, false, false, false, 400, "malformed request body", true);
      case BODY_TIMEOUT ->
          answer(
              kind, false, false, false, 408, "request body not received within the limit", true);
      case BODY_DURING_RETRY ->
          answer(kind, false, false, false, 502, "upstream connection lost", true);
      case CLIENT_CLOSED -> throw new AssertionError(kind);
    };
  }

  private static boolean mayRetry(FailureKind kind, Facts f) {
    boolean retryableKind =
        switch (kind) {
          case CONNECT, POOL -> true; // the request never reached an upstream
          case UPSTREAM_CLOSED -> f.replayable();
          default -> false;
        };
    return retryableKind && f.attempts() < ProxyContext.MAX_ATTEMPTS && !f.bodySent();
  }

  private static Decision answer(
      FailureKind kind,
      boolean eject,
      boolean retry,
      boolean avoid,
      int status,
      String reason,
      boolean mustClose) {
    return new Decision(
        kind.metric(),
        eject,
        retry,
        avoid,
        kind == FailureKind.UPSTREAM_TIMEOUT,
        HttpResponseStatus.valueOf(status),
        reason,
        mustClose,
        AfterExchange.NOTHING);
  }

  /**
   * Whether the client connection closes after the gateway's own answer when the failure itself
   * does not demand it ({@link Decision#mustClose}): it stays open only when the rest of the
   * request is known to be empty and the client wants to keep it.
   */
  static boolean closeAfterAnswer(boolean keepAlive, boolean draining, boolean bodyUnread) {
    return !keepAlive || draining || bodyUnread;
  }
}
