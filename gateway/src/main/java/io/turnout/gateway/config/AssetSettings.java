package io.turnout.gateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The asset skew guard (docs/REFERENCE.md, version affinity): a {@code GET} for an immutable,
 * content-hashed file that the chosen version answers 404 is asked once of each other serving or
 * draining version of the route. The top-level {@code assets:} block gives the defaults; a host's
 * {@code assets:} block overrides either field. A {@code null} field means "not set here".
 *
 * <p>Matching rule: each pattern is a plain, case-sensitive prefix of the request path. It matches
 * at the start of the path, or right after the prefix of the route that matched (an app mounted at
 * {@code /shop} has its chunks at {@code /shop/assets/...}). End a pattern with {@code /} to match
 * a directory; {@code /app-} matches {@code /app-3f9a.js} too. Paths with dot segments ({@code
 * /assets/../x}) or an encoded dot never match.
 *
 * @param fallback whether an asset 404 is retried on the route's other versions (default true);
 *     misses are counted either way
 * @param patterns path prefixes of immutable assets (default {@code /static/}, {@code /assets/},
 *     {@code /_next/static/}, {@code /build/})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssetSettings(Boolean fallback, List<String> patterns) {

  /** What a gateway uses when the file says nothing. */
  public static final AssetSettings DEFAULTS =
      new AssetSettings(true, List.of("/static/", "/assets/", "/_next/static/", "/build/"));

  public AssetSettings {
    // Null entries survive to validation, which names them; List.copyOf would throw instead.
    patterns = patterns == null ? null : Collections.unmodifiableList(new ArrayList<>(patterns));
  }

  /** These settings with every field {@code override} sets replaced by its value. */
  public AssetSettings overriddenBy(AssetSettings override) {
    if (override == null) {
      return this;
    }
    return new AssetSettings(
        override.fallback != null ? override.fallback : fallback,
        override.patterns != null ? override.patterns : patterns);
  }

  /** Adds to {@code problems} what is wrong here, each naming its field under {@code at}. */
  public void validate(String at, List<String> problems) {
    if (patterns == null) {
      return;
    }
    for (int i = 0; i < patterns.size(); i++) {
      String p = patterns.get(i);
      String field = at + ".patterns[" + i + "]";
      if (p == null || p.isEmpty()) {
        problems.add(field + ": must not be empty");
      } else if (!p.startsWith("/")) {
        problems.add(field + ": '" + p + "' must start with /");
      } else if (p.equals("/")) {
        problems.add(
            field + ": '/' would treat every path as an asset; name the assets' directory");
      } else if (!isPlainPath(p)) {
        problems.add(
            field
                + ": '"
                + p
                + "' must be a plain path prefix (no spaces, ?, #, * or dot segments)");
      }
    }
  }

  private static boolean isPlainPath(String p) {
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c <= ' ' || c == '?' || c == '#' || c == '*' || c >= 127) {
        return false;
      }
    }
    return !p.contains("/./") && !p.contains("/../") && !p.endsWith("/.") && !p.endsWith("/..");
  }
}
