package io.turnout.gateway.affinity;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;

/**
 * Tells a top-level page navigation (the safe point to move a client to another version) from
 * everything a page loads afterwards.
 *
 * <p>Browsers since 2020 say it outright: {@code Sec-Fetch-Mode: navigate} with {@code
 * Sec-Fetch-Dest: document}. An iframe is {@code navigate} + {@code iframe}, a fetch is {@code
 * cors}/{@code same-origin} + {@code empty}, a script {@code no-cors} + {@code script}: none of
 * them is a navigation. For clients without {@code Sec-Fetch-*} headers, a {@code GET} whose {@code
 * Accept} lists {@code text/html} (or XHTML) first counts, which is what every browser sends for a
 * page and no browser sends for a subresource.
 */
public final class NavigationDetector {
  private static final AsciiString SEC_FETCH_MODE = AsciiString.cached("sec-fetch-mode");
  private static final AsciiString SEC_FETCH_DEST = AsciiString.cached("sec-fetch-dest");
  private static final AsciiString SEC_FETCH_SITE = AsciiString.cached("sec-fetch-site");
  private static final AsciiString SEC_FETCH_USER = AsciiString.cached("sec-fetch-user");

  private NavigationDetector() {}

  public static boolean isNavigation(HttpMethod method, HttpHeaders headers) {
    String mode = headers.get(SEC_FETCH_MODE);
    String dest = headers.get(SEC_FETCH_DEST);
    if (mode != null || dest != null) {
      return "navigate".equalsIgnoreCase(mode) && "document".equalsIgnoreCase(dest);
    }
    if (headers.contains(SEC_FETCH_SITE) || headers.contains(SEC_FETCH_USER)) {
      return false;
    }
    if (!HttpMethod.GET.equals(method)) {
      return false;
    }
    String accept = headers.get(HttpHeaderNames.ACCEPT);
    return accept != null && prefersHtml(accept);
  }

  /** True when the first media range of {@code accept} is text/html or application/xhtml+xml. */
  static boolean prefersHtml(String accept) {
    int i = 0;
    int n = accept.length();
    while (i < n && accept.charAt(i) == ' ') {
      i++;
    }
    int end = i;
    while (end < n && accept.charAt(end) != ',' && accept.charAt(end) != ';') {
      end++;
    }
    String first = accept.substring(i, end).trim();
    if (!first.equalsIgnoreCase("text/html") && !first.equalsIgnoreCase("application/xhtml+xml")) {
      return false;
    }
    // "text/html;q=0" means "anything but HTML".
    int semi = end < n && accept.charAt(end) == ';' ? end : -1;
    if (semi >= 0) {
      int comma = accept.indexOf(',', semi);
      String params = accept.substring(semi, comma < 0 ? n : comma).replace(" ", "");
      return !params.matches(";q=0(\\.0*)?(;.*)?");
    }
    return true;
  }
}
