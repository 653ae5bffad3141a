package io.turnout.gateway.affinity;

/**
 * The host a pin cookie is bound to, as its MAC sees it: the request's {@code Host} header value
 * normalised the way host matching reads it, so {@code Shop.Example.COM:8443}, {@code
 * shop.example.com.} and {@code shop.example.com} are one host. ASCII letters are lower-cased, the
 * port is removed ({@code [::1]:8080} keeps its brackets: {@code [::1]}), one trailing dot is
 * removed. Browsers send internationalised names as punycode already.
 *
 * <p>Written straight into the caller's byte array, so verifying a cookie allocates nothing.
 * Stateless.
 */
final class CookieHost {
  /** Longest host the MAC covers; longer values are cut here (the validator refuses them). */
  static final int MAX = 255;

  private CookieHost() {}

  /**
   * Writes the normalised host into {@code out} from {@code offset}; a null host (an HTTP/1.0
   * request without one) is empty.
   *
   * @return the offset after the last byte written
   */
  static int write(CharSequence host, byte[] out, int offset) {
    if (host == null) {
      return offset;
    }
    int end = nameEnd(host);
    if (end > 0 && host.charAt(end - 1) == '.') {
      end--;
    }
    end = Math.min(end, MAX);
    for (int i = 0; i < end; i++) {
      char c = host.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      out[offset + i] = (byte) c;
    }
    return offset + end;
  }

  private static int nameEnd(CharSequence host) {
    int n = host.length();
    if (n > 0 && host.charAt(0) == '[') {
      for (int i = 1; i < n; i++) {
        if (host.charAt(i) == ']') {
          return i + 1;
        }
      }
      return n;
    }
    for (int i = 0; i < n; i++) {
      if (host.charAt(i) == ':') {
        return i;
      }
    }
    return n;
  }
}
