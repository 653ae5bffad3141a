package io.turnout.gateway.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps retries at a fraction of traffic, so a sick version is not hit with a multiple of its load
 * (Finagle's retry budget). Each request deposits {@code ratio} of a token, each retry withdraws
 * one; a small reserve lets a quiet gateway retry its first failures.
 *
 * <p>Thread-safe, lock-free.
 */
final class RetryBudget {
  private static final long MILLI = 1000;
  private final long depositMilli;
  private final long capMilli;
  private final AtomicLong balanceMilli;

  /**
   * @param ratio retries allowed per request, e.g. 0.2 for 20%
   * @param reserve tokens available at start and the floor deposits refill towards
   */
  RetryBudget(double ratio, int reserve) {
    this.depositMilli = Math.round(ratio * MILLI);
    this.capMilli = Math.max(reserve, 100) * MILLI;
    this.balanceMilli = new AtomicLong(reserve * MILLI);
  }

  void onRequest() {
    long b = balanceMilli.get();
    if (b < capMilli) {
      balanceMilli.compareAndSet(b, Math.min(capMilli, b + depositMilli));
    }
  }

  /** Takes one retry token; false when the budget is spent. */
  boolean tryRetry() {
    while (true) {
      long b = balanceMilli.get();
      if (b < MILLI) {
        return false;
      }
      if (balanceMilli.compareAndSet(b, b - MILLI)) {
        return true;
      }
    }
  }
}
