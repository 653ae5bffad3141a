package io.turnout.gateway.routing;

import io.turnout.gateway.snapshot.EndpointSpec;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One upstream endpoint and its live state: requests in flight (for least-outstanding picks) and
 * passive-health ejection. The same instance survives snapshot swaps for as long as some snapshot
 * names its address, so counters are not reset by a weight change.
 *
 * <p>Thread-safe: read and updated from every event loop; counters are atomics, ejection fields are
 * volatile and written under {@code this}.
 */
public final class UpstreamEndpoint {
  private final String authority;
  private final InetSocketAddress address;
  private final AtomicInteger inFlight = new AtomicInteger();

  private volatile long ejectedUntilNanos;
  private volatile int consecutiveFailures;
  private int ejections;

  UpstreamEndpoint(EndpointSpec spec) {
    this.authority = spec.authority();
    // A literal IP (what the controller sends) never triggers DNS; a name from a file does, once.
    this.address = new InetSocketAddress(spec.address(), spec.port());
  }

  public String authority() {
    return authority;
  }

  public InetSocketAddress address() {
    return address;
  }

  public int inFlight() {
    return inFlight.get();
  }

  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  public void requestFinished() {
    inFlight.decrementAndGet();
  }

  /** True while passive health checks keep this endpoint out of rotation. */
  public boolean isEjected(long nowNanos) {
    long until = ejectedUntilNanos;
    return until != 0 && nowNanos - until < 0;
  }

  /**
   * Records a success; clears the failure streak and, after the ejection ran out, the history (so
   * the next ejection is a first one again).
   */
  public void recordSuccess() {
    if (consecutiveFailures == 0 && ejectedUntilNanos == 0) {
      return; // hot path: nothing to clear
    }
    synchronized (this) {
      consecutiveFailures = 0;
      if (!isEjected(System.nanoTime())) {
        ejectedUntilNanos = 0;
        ejections = 0;
      }
    }
  }

  /**
   * Records a failure to connect or a reset before the response.
   *
   * @param threshold consecutive failures that eject; 0 never ejects
   * @param baseEjectionNanos first ejection time; doubles with each repeat ejection
   * @param maxEjectionNanos the cap on one ejection
   * @return true when this failure ejected the endpoint
   */
  public synchronized boolean recordFailure(
      int threshold, long baseEjectionNanos, long maxEjectionNanos, long nowNanos) {
    consecutiveFailures++;
    if (threshold <= 0 || consecutiveFailures < threshold || isEjected(nowNanos)) {
      return false;
    }
    long backoff = Math.min(maxEjectionNanos, baseEjectionNanos << Math.min(ejections, 20));
    ejections++;
    consecutiveFailures = 0;
    ejectedUntilNanos = nowNanos + backoff;
    if (ejectedUntilNanos == 0) {
      ejectedUntilNanos = 1;
    }
    return true;
  }

  @Override
  public String toString() {
    return authority;
  }
}
