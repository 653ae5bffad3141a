package io.turnout.gateway.assets;

import io.turnout.gateway.config.AssetSettings;

/**
 * A host's asset skew guard settings compiled for the request path: whether a 404 may fall back,
 * and the path prefixes of immutable assets. The matching rule is documented on {@link
 * AssetSettings}.
 *
 * <p>Immutable.
 */
public final class AssetPolicy {
  private final boolean fallback;
  private final String[] patterns;

  private AssetPolicy(boolean fallback, String[] patterns) {
    this.fallback = fallback;
    this.patterns = patterns;
  }

  /** Compiles settings whose fields are all set (defaults merged in). */
  public static AssetPolicy of(AssetSettings settings) {
    AssetSettings s = AssetSettings.DEFAULTS.overriddenBy(settings);
    return new AssetPolicy(Boolean.TRUE.equals(s.fallback()), s.patterns().toArray(new String[0]));
  }

  /** Whether an asset 404 is asked of the route's other versions. */
  public boolean fallback() {
    return fallback;
  }

  /**
   * True when {@code path} names an immutable asset: a pattern is a prefix of it, at its start or
   * right after {@code routePrefix}. Allocation-free.
   */
  public boolean isAsset(String path, String routePrefix) {
    if (patterns.length == 0 || hasDotSegment(path)) {
      return false;
    }
    int mount = routePrefix.length() > 1 && path.startsWith(routePrefix) ? routePrefix.length() : 0;
    if (mount > 0 && routePrefix.endsWith("/")) {
      mount--; // "/shop/" mounted: the pattern's own leading slash follows
    }
    for (String p : patterns) {
      if (path.startsWith(p) || (mount > 0 && path.startsWith(p, mount))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code /assets/../api/me} is not an asset even though it starts like one: an upstream that
   * normalises the path would answer for {@code /api/me}, and that must never be replayed on
   * another version. Content-hashed file names have no dot segments; an encoded dot is refused
   * outright rather than decoded.
   */
  private static boolean hasDotSegment(String path) {
    int end = path.indexOf('?');
    if (end < 0) {
      end = path.length();
    }
    for (int i = 0; i < end; i++) {
      char c = path.charAt(i);
      if (c == '%' && i + 2 < end && path.charAt(i + 1) == '2') {
        char d = path.charAt(i + 2);
        if (d == 'e' || d == 'E') {
          return true;
        }
      }
      if (c == '/' && i + 1 < end && path.charAt(i + 1) == '.') {
        int after = i + 2;
        if (after == end || path.charAt(after) == '/') {
          return true; // "/."
        }
        if (path.charAt(after) == '.' && (after + 1 == end || path.charAt(after + 1) == '/')) {
          return true; // "/.."
        }
      }
    }
    return false;
  }
}
