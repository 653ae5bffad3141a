package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Drops request headers whose name contains {@code _}, as nginx does by default ({@code
 * underscores_in_headers off}). Frameworks that expose headers as variables (CGI, PHP, Rails, many
 * WSGI servers) map {@code -} and {@code _} to the same name, so a client could send {@code
 * X_Forwarded_For: 10.0.0.1} next to the gateway's own {@code X-Forwarded-For} and have the app
 * read the forged one. {@code limits.allowUnderscoresInHeaders: true} turns this off.
 *
 * <p>Stateless. Allocates only when a request has such a header.
 */
final class UnderscoreHeaders {
  private UnderscoreHeaders() {}

  /** Removes every header whose name contains an underscore. */
  static void drop(HttpHeaders headers) {
    List<CharSequence> doomed = null;
    var it = headers.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      if (hasUnderscore(e.getKey())) {
        if (doomed == null) {
          doomed = new ArrayList<>(2);
        }
        doomed.add(e.getKey());
      }
    }
    if (doomed != null) {
      for (CharSequence name : doomed) {
        headers.remove(name);
      }
    }
  }

  private static boolean hasUnderscore(CharSequence name) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '_') {
        return true;
      }
    }
    return false;
  }
}
