package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Keeps shared caches from storing an answer the preview header chose. A CDN keys on the URL, not
 * on {@code X-Turnout-Version}, so a cacheable preview of a dark version would be served to
 * everyone: the preview would become the release.
 *
 * <p>The rule, with examples ({@code Cache-Control} from the app on the left, sent on the right):
 *
 * <pre>
 *   (none)                                  private
 *   public, max-age=600                     private, max-age=600
 *   max-age=60, s-maxage=600, immutable     max-age=60, immutable, private
 *   private, max-age=60                     private, max-age=60          (unchanged)
 *   no-store                                no-store                     (unchanged: stricter)
 * </pre>
 *
 * Directives only shared caches act on ({@code public}, {@code s-maxage}, {@code proxy-revalidate})
 * are dropped; what the browser's own cache may do is left to the app. Stateless.
 */
final class PreviewCaching {
  private PreviewCaching() {}

  static void makePrivate(HttpHeaders headers) {
    String value = joined(headers);
    if (value == null) {
      headers.set(HttpHeaderNames.CACHE_CONTROL, "private");
      return;
    }
    StringBuilder out = new StringBuilder(value.length() + 9);
    boolean isPrivate = false;
    for (String part : value.split(",")) {
      String directive = part.trim();
      String name = nameOf(directive);
      if (name.isEmpty()
          || name.equals("public")
          || name.equals("s-maxage")
          || name.equals("proxy-revalidate")) {
        continue;
      }
      if (name.equals("no-store")) {
        return; // nothing is stored anywhere: already stricter than private
      }
      isPrivate |= name.equals("private");
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(directive);
    }
    if (!isPrivate) {
      out.append(out.length() > 0 ? ", private" : "private");
    }
    headers.set(HttpHeaderNames.CACHE_CONTROL, out.toString());
  }

  private static String joined(HttpHeaders headers) {
    var all = headers.getAll(HttpHeaderNames.CACHE_CONTROL);
    if (all.isEmpty()) {
      return null;
    }
    return all.size() == 1 ? all.get(0) : String.join(", ", all);
  }

  private static String nameOf(String directive) {
    int eq = directive.indexOf('=');
    String name = eq < 0 ? directive : directive.substring(0, eq);
    return name.trim().toLowerCase(java.util.Locale.ROOT);
  }
}
