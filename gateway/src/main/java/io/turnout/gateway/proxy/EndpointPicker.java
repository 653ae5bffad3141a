package io.turnout.gateway.proxy;

import io.turnout.gateway.routing.UpstreamEndpoint;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks an endpoint of a version: the less loaded of two random choices (P2C, "power of two
 * choices"), by requests in flight, skipping endpoints that passive health checks ejected. When
 * every endpoint is ejected it picks among all of them: a version that might answer beats a certain
 * 503.
 *
 * <p>Stateless; allocation-free.
 */
final class EndpointPicker {
  private EndpointPicker() {}

  /**
   * @param exclude an endpoint to avoid (a retry's failed one), or null
   * @return an endpoint, or null when {@code endpoints} is empty (or holds only {@code exclude})
   */
  static UpstreamEndpoint pick(UpstreamEndpoint[] endpoints, UpstreamEndpoint exclude, long now) {
    int n = endpoints.length;
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return endpoints[0] == exclude ? null : endpoints[0];
    }
    UpstreamEndpoint best = pickFrom(endpoints, exclude, now, true);
    return best != null ? best : pickFrom(endpoints, exclude, now, false);
  }

  private static UpstreamEndpoint pickFrom(
      UpstreamEndpoint[] endpoints, UpstreamEndpoint exclude, long now, boolean skipEjected) {
    int n = endpoints.length;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    UpstreamEndpoint first = null;
    UpstreamEndpoint second = null;
    // Two random eligible endpoints; a bounded number of draws, then a scan as a fallback.
    for (int attempt = 0; attempt < 8 && second == null; attempt++) {
      UpstreamEndpoint e = endpoints[random.nextInt(n)];
      if (!eligible(e, exclude, now, skipEjected) || e == first) {
        continue;
      }
      if (first == null) {
        first = e;
      } else {
        second = e;
      }
    }
    if (first == null) {
      int start = random.nextInt(n);
      for (int i = 0; i < n; i++) {
        UpstreamEndpoint e = endpoints[(start + i) % n];
        if (eligible(e, exclude, now, skipEjected)) {
          return e;
        }
      }
      return null;
    }
    if (second == null) {
      return first;
    }
    return second.inFlight() < first.inFlight() ? second : first;
  }

  private static boolean eligible(
      UpstreamEndpoint e, UpstreamEndpoint exclude, long now, boolean skipEjected) {
    return e != exclude && (!skipEjected || !e.isEjected(now));
  }
}
