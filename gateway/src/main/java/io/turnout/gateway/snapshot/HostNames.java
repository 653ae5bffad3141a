package io.turnout.gateway.snapshot;

import java.net.IDN;
import java.util.Locale;

/**
 * The one spelling of a configured host name that every comparison uses. {@code SHOP.Example.COM.},
 * {@code shop.example.com} and {@code shop.example.com.} are one host; so are {@code
 * bücher.example} and {@code xn--bcher-kva.example} (what browsers send in {@code Host}). Comparing
 * raw spellings let a second team claim an existing host by changing its case or adding the root
 * dot.
 *
 * <p>The controller normalises with this class before it decides who owns a host; the gateway's
 * validator and routing table compiler normalise again, so a file or a controller that did not
 * cannot create two entries for one host.
 *
 * <p>Stateless.
 */
public final class HostNames {
  private HostNames() {}

  /**
   * Lower case, one trailing dot removed, internationalised labels as punycode ({@link IDN}). A
   * name IDN cannot convert is returned lower-cased as it is, so that the validator reports it
   * under its own spelling. Null stays null.
   *
   * <p>Examples: {@code Shop.Example.COM.} gives {@code shop.example.com}; {@code *.Bücher.example}
   * gives {@code *.xn--bcher-kva.example}; {@code *} stays {@code *}.
   */
  public static String normalize(String host) {
    if (host == null) {
      return null;
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.length() > 1 && h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (isAscii(h)) {
      return h;
    }
    try {
      // toASCII leaves ASCII labels (including "*") as they are and punycodes the others.
      return IDN.toASCII(h).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException notConvertible) {
      return h;
    }
  }

  /**
   * True for the catch-all {@code *} and for wildcards with fewer than two labels after {@code *.}
   * ({@code *.com}, {@code *.co}): names that catch traffic for hosts of many unrelated owners.
   * {@code *.example.com} is not broad. Expects a {@linkplain #normalize normalised} name.
   */
  public static boolean isBroad(String normalized) {
    if (normalized.equals("*")) {
      return true;
    }
    if (!normalized.startsWith("*.")) {
      return false;
    }
    return normalized.indexOf('.', 2) < 0;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
