package io.turnout.gateway.proxy.mirror;

/**
 * Decides which requests are copied, deterministically: the n-th eligible request is copied to a
 * mirror of percentage p when the fractional part of {@code n * 0.6180339887...} (the golden
 * ratio's) is below {@code p / 100}. That sequence spreads over [0, 1) as evenly as any can, for
 * every window and every arithmetic subsequence, so the share of copies stays within a request or
 * two of p for any stretch of traffic; a coin flip per request drifts by the square root of the
 * count instead.
 *
 * <p>Worked example, p = 50: n = 1..8 give 0.618, 0.236, 0.854, 0.472, 0.090, 0.708, 0.326, 0.944,
 * so requests 2, 4, 5 and 7 are copied: 4 of 8. Two mirrors on one route share n, so the requests
 * copied to the one with the smaller percentage are also copied to the other.
 *
 * <p>Confined to one event loop (one sampler per loop): no atomics on the request path.
 */
final class MirrorSampler {
  /** 2^64 / golden ratio: multiplying by it advances the fraction (as 64 bits) by 0.618.... */
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private long n;

  /** Advances to the next eligible request; returns its position. */
  long next() {
    return ++n;
  }

  /** Whether request {@code position} is copied to a mirror of {@code percent} (0..100). */
  static boolean take(long position, int percent) {
    if (percent >= 100) {
      return true;
    }
    if (percent <= 0) {
      return false;
    }
    // The top 53 bits of the 64-bit fraction, compared against percent/100 of 2^53.
    long fraction = (position * GOLDEN) >>> 11;
    return fraction < (percent * (1L << 53)) / 100;
  }
}
