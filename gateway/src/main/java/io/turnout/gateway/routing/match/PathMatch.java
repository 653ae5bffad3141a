package io.turnout.gateway.routing.match;

/**
 * How a route matches the request path. Implementations are immutable and allocation-free: they run
 * for every request, on an event loop.
 */
public interface PathMatch {
  /**
   * @param uri the request target in origin form; it may carry a query ({@code ?}) or fragment
   *     ({@code #}), which never take part in the path match
   */
  boolean matches(String uri);

  /** True for an exact path, which outranks every prefix (Gateway API precedence). */
  boolean exact();

  /**
   * The path as configured, normalised: a prefix without its trailing slash ({@code /} stays {@code
   * /}), an exact path as written.
   */
  String path();
}
