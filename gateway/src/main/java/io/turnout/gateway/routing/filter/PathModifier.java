package io.turnout.gateway.routing.filter;

import io.turnout.gateway.snapshot.PathModifierSpec;

/**
 * A compiled path change (Gateway API HTTPPathModifier), shared by {@link UrlRewrite} and {@link
 * RequestRedirect}. {@code ReplacePrefixMatch} swaps the segments the route's prefix matched for
 * the replacement, keeping the rest: prefix {@code /foo}, replacement {@code /xyz}: {@code
 * /foo/bar} becomes {@code /xyz/bar}, {@code /foo} becomes {@code /xyz}; with replacement {@code /}
 * or empty, {@code /foo/bar} becomes {@code /bar} and {@code /foo} becomes {@code /}. Immutable.
 */
final class PathModifier {
  private final String fullPath; // ReplaceFullPath, else null
  private final String prefix; // ReplacePrefixMatch: the route's normalised prefix
  private final String replacement; // ReplacePrefixMatch: without trailing slash ("/" is "")

  private PathModifier(String fullPath, String prefix, String replacement) {
    this.fullPath = fullPath;
    this.prefix = prefix;
    this.replacement = replacement;
  }

  /**
   * @param routePath the route's normalised path (its prefix for {@code ReplacePrefixMatch})
   */
  static PathModifier of(PathModifierSpec spec, String routePath) {
    if (PathModifierSpec.REPLACE_FULL_PATH.equals(spec.type())) {
      return new PathModifier(spec.replaceFullPath(), null, null);
    }
    String r = spec.replacePrefixMatch() == null ? "" : spec.replacePrefixMatch();
    while (r.endsWith("/")) {
      r = r.substring(0, r.length() - 1);
    }
    return new PathModifier(null, routePath, r);
  }

  /**
   * @param path the request path without query
   */
  String apply(String path) {
    if (fullPath != null) {
      return fullPath;
    }
    String rest =
        prefix.equals("/") ? path : path.substring(Math.min(prefix.length(), path.length()));
    String out = replacement + rest;
    return out.isEmpty() ? "/" : out;
  }

  /** {@code uri} with its path changed and its query (and anything after) kept. */
  String applyToUri(String uri) {
    int q = queryStart(uri);
    return apply(uri.substring(0, q)) + uri.substring(q);
  }

  static int queryStart(String uri) {
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '?' || c == '#') {
        return i;
      }
    }
    return uri.length();
  }
}
