package io.turnout.gateway.routing.match;

/**
 * A path prefix on segment boundaries: {@code /api} matches {@code /api}, {@code /api/x} and {@code
 * /api?q}, not {@code /apix}; {@code /} matches every path. Immutable.
 */
public final class PathPrefixMatch implements PathMatch {
  private final String prefix;

  /**
   * @param prefix normalised: no trailing slash unless it is {@code /}
   */
  public PathPrefixMatch(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public boolean matches(String uri) {
    if (prefix.equals("/")) {
      return true;
    }
    if (!uri.startsWith(prefix)) {
      return false;
    }
    if (uri.length() == prefix.length()) {
      return true;
    }
    char next = uri.charAt(prefix.length());
    return next == '/' || next == '?' || next == '#';
  }

  @Override
  public boolean exact() {
    return false;
  }

  @Override
  public String path() {
    return prefix;
  }
}
