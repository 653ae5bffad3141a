package io.turnout.gateway.routing.match;

/**
 * A path that must equal the configured one, case-sensitively, ignoring the query: {@code /login}
 * matches {@code /login} and {@code /login?next=/}, not {@code /login/} nor {@code /login/x}.
 * Immutable.
 */
public final class ExactPathMatch implements PathMatch {
  private final String path;

  public ExactPathMatch(String path) {
    this.path = path;
  }

  @Override
  public boolean matches(String uri) {
    if (!uri.startsWith(path)) {
      return false;
    }
    if (uri.length() == path.length()) {
      return true;
    }
    char next = uri.charAt(path.length());
    return next == '?' || next == '#';
  }

  @Override
  public boolean exact() {
    return true;
  }

  @Override
  public String path() {
    return path;
  }
}
