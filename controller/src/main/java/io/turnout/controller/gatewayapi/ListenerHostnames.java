package io.turnout.controller.gatewayapi;

import io.turnout.gateway.snapshot.HostNames;
import java.util.List;
import java.util.TreeSet;

/**
 * The hosts a route gets on a listener: the intersection of the listener's {@code hostname} with
 * the route's {@code hostnames}, as the Gateway API defines it. A wildcard {@code *.example.com}
 * matches one or more leading labels ({@code a.example.com}, {@code a.b.example.com}), never {@code
 * example.com} itself.
 *
 * <p>Examples, listener / route: {@code very.specific.com} / {@code *.specific.com} gives {@code
 * very.specific.com}; {@code *.wildcard.io} / {@code foo.wildcard.io} gives {@code
 * foo.wildcard.io}; {@code *.wildcard.io} / {@code wildcard.io} gives nothing; no listener hostname
 * / no route hostnames gives {@code *}.
 *
 * <p>Stateless.
 */
final class ListenerHostnames {
  private ListenerHostnames() {}

  /**
   * @param listener the listener's hostname, or null for any
   * @param route the route's hostnames (empty for any)
   * @return the normalised hosts, sorted; empty when nothing intersects
   */
  static List<String> intersect(String listener, List<String> route) {
    String l = listener == null || listener.isBlank() ? null : HostNames.normalize(listener);
    TreeSet<String> out = new TreeSet<>();
    if (route == null || route.isEmpty()) {
      out.add(l == null ? "*" : l);
      return List.copyOf(out);
    }
    for (String raw : route) {
      String r = HostNames.normalize(raw);
      String both = intersect(l, r);
      if (both != null) {
        out.add(both);
      }
    }
    return List.copyOf(out);
  }

  private static String intersect(String l, String r) {
    if (l == null || l.equals(r)) {
      return r;
    }
    boolean lWild = l.startsWith("*.");
    boolean rWild = r.startsWith("*.");
    if (lWild && rWild) {
      if (r.endsWith(l.substring(1))) {
        return r; // *.a.example.com within *.example.com
      }
      return l.endsWith(r.substring(1)) ? l : null;
    }
    if (lWild) {
      return r.endsWith(l.substring(1)) ? r : null;
    }
    if (rWild) {
      return l.endsWith(r.substring(1)) ? l : null;
    }
    return null;
  }
}
