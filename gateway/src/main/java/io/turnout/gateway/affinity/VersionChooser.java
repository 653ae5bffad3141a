package io.turnout.gateway.affinity;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.turnout.gateway.config.RepinPolicy;
import io.turnout.gateway.routing.BucketMapping;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.VersionState;
import io.turnout.gateway.routing.VersionTarget;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks the version for a request: the affinity rules of docs/REFERENCE.md, version affinity, in
 * order.
 *
 * <ol>
 *   <li>Preview: the preview header names a serving or draining version, or a dark one together
 *       with the right token.
 *   <li>A valid pin cookie whose version still has ready endpoints: a sub-request stays; a
 *       navigation re-evaluates the bucket (policy {@code navigation}) or stays while the version
 *       serves (policy {@code never}). A navigation never lands on a draining version while another
 *       one serves.
 *   <li>Otherwise the bucket (from the cookie, the key header, or fresh at random) picks among the
 *       serving versions by weight.
 * </ol>
 *
 * <p>Stateless; the pinned path allocates nothing.
 */
public final class VersionChooser {
  private VersionChooser() {}

  /**
   * Decides for one request.
   *
   * @param nowNanos {@link System#nanoTime()} of the request
   * @param out receives the decision; {@code out.target()} is null when nothing can serve (503)
   */
  public static void choose(
      AffinityPolicy policy,
      CompiledRoute route,
      HttpMethod method,
      HttpHeaders headers,
      long nowNanos,
      VersionChoice out) {
    out.reset();
    long drain = policy.drainTimeoutNanos();

    // The cookie is read first: even a preview keeps the client's bucket.
    VersionTarget pinned = null;
    String cookieHeader = headers.get(HttpHeaderNames.COOKIE);
    if (cookieHeader != null) {
      long pin = findPin(policy, cookieHeader, headers.get(HttpHeaderNames.HOST));
      if (pin >= 0) {
        int base = (int) (pin >>> 48);
        out.bucket = PinCookieCodec.bucketOf(pin & 0x0000_FFFF_FFFF_FFFFL);
        pinned =
            route.version(
                cookieHeader,
                base + PinCookieCodec.versionStartOf(pin),
                base + PinCookieCodec.versionEndOf(pin));
      }
    }

    if (preview(policy, route, headers, nowNanos, drain, out, pinned)) {
      return;
    }

    if (pinned != null && pinned.hasReadyEndpoint()) {
      VersionState state = pinned.state(nowNanos, drain);
      boolean unlocked = state != VersionState.DARK || tokenMatches(policy, headers);
      if (unlocked) {
        boolean navigation = NavigationDetector.isNavigation(method, headers);
        if (!navigation) {
          out.target = pinned;
          out.reason = state == VersionState.DRAINING ? ChoiceReason.DRAIN : ChoiceReason.PIN;
          return;
        }
        if (state == VersionState.SERVING && policy.repin() == RepinPolicy.NEVER) {
          out.target = pinned;
          out.reason = ChoiceReason.PIN;
          return;
        }
        VersionTarget assigned = route.mapping().versionFor(out.bucket);
        if (assigned == null) {
          // Nothing serves: a draining or previewed pin is better than a 503.
          out.target = pinned;
          out.reason = state == VersionState.DRAINING ? ChoiceReason.DRAIN : ChoiceReason.PIN;
          return;
        }
        out.target = assigned;
        if (assigned == pinned) {
          out.reason = ChoiceReason.PIN;
        } else {
          out.reason = ChoiceReason.REPIN;
          out.previous = pinned;
          out.setCookie = true;
        }
        return;
      }
    }

    // No usable pin: assign by bucket.
    if (out.bucket < 0) {
      out.bucket = bucketFromKeyHeader(policy, headers);
    }
    VersionTarget assigned = route.mapping().versionFor(out.bucket);
    out.target = assigned;
    if (assigned == null) {
      return;
    }
    if (pinned != null && pinned != assigned) {
      out.reason = ChoiceReason.REPIN;
      out.previous = pinned;
    } else {
      out.reason = ChoiceReason.NEW;
    }
    out.setCookie = true;
  }

  private static boolean preview(
      AffinityPolicy policy,
      CompiledRoute route,
      HttpHeaders headers,
      long nowNanos,
      long drain,
      VersionChoice out,
      VersionTarget pinned) {
    String wanted = headers.get(policy.previewHeader());
    if (wanted == null) {
      return false;
    }
    VersionTarget v = route.version(wanted.trim());
    if (v == null || !v.hasReadyEndpoint()) {
      return false;
    }
    if (v.state(nowNanos, drain) == VersionState.DARK && !tokenMatches(policy, headers)) {
      return false;
    }
    if (out.bucket < 0) {
      out.bucket = bucketFromKeyHeader(policy, headers);
    }
    out.target = v;
    out.reason = ChoiceReason.PREVIEW;
    out.setCookie = v != pinned;
    return true;
  }

  private static boolean tokenMatches(AffinityPolicy policy, HttpHeaders headers) {
    String expected = policy.previewToken();
    if (expected == null) {
      return false;
    }
    String presented = headers.get(policy.tokenHeader());
    return presented != null && PinCookieCodec.secretEquals(presented, expected);
  }

  /**
   * Finds a cookie named {@code policy.cookieName()} whose value verifies for {@code host} (the
   * request's {@code Host} header). Returns the codec's packed pin with the value's start offset in
   * the top 16 bits, or -1.
   */
  static long findPin(AffinityPolicy policy, String header, String host) {
    String name = policy.cookieName();
    int n = header.length();
    int i = 0;
    while (i < n) {
      while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
        i++;
      }
      int end = header.indexOf(';', i);
      if (end < 0) {
        end = n;
      }
      int valueStart = i + name.length() + 1;
      if (valueStart <= end
          && header.startsWith(name, i)
          && header.charAt(i + name.length()) == '=') {
        int valueEnd = end;
        while (valueEnd > valueStart && header.charAt(valueEnd - 1) == ' ') {
          valueEnd--;
        }
        if (valueStart < 0x7FFF) { // the offset must fit the packed result's top bits
          long pin = policy.codec().verify(header, valueStart, valueEnd, host);
          if (pin >= 0) {
            return ((long) valueStart << 48) | pin;
          }
        }
      }
      i = end + 1;
    }
    return -1;
  }

  /** A bucket from the key header's hash, or a fresh random one. */
  static int bucketFromKeyHeader(AffinityPolicy policy, HttpHeaders headers) {
    if (policy.keyHeader() != null) {
      String key = headers.get(policy.keyHeader());
      if (key != null && !key.isEmpty()) {
        return bucketOfKey(key);
      }
    }
    return ThreadLocalRandom.current().nextInt(BucketMapping.BUCKETS);
  }

  /** Stable bucket of a client key: 64-bit FNV-1a, then a murmur finalizer for spread. */
  public static int bucketOfKey(CharSequence key) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < key.length(); i++) {
      h ^= key.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9a53e4fc49bL;
    h ^= h >>> 33;
    return (int) Long.remainderUnsigned(h, BucketMapping.BUCKETS);
  }
}
