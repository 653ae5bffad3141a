package io.turnout.gateway.routing;

import io.turnout.gateway.routing.match.RouteMatch;
import java.util.Comparator;

/**
 * The order in which a host's routes are tried, first match wins; the Gateway API's precedence for
 * HTTPRoute matches:
 *
 * <ol>
 *   <li>an {@code Exact} path before any prefix;
 *   <li>the longer path (in characters) first;
 *   <li>a route with a method match first;
 *   <li>more header matches first;
 *   <li>more query parameter matches first;
 *   <li>then the order of the routes in the host's list.
 * </ol>
 */
final class RoutePrecedence implements Comparator<CompiledRoute> {
  static final RoutePrecedence INSTANCE = new RoutePrecedence();

  private RoutePrecedence() {}

  @Override
  public int compare(CompiledRoute a, CompiledRoute b) {
    RouteMatch x = a.match();
    RouteMatch y = b.match();
    if (x.path().exact() != y.path().exact()) {
      return x.path().exact() ? -1 : 1;
    }
    int c = Integer.compare(y.path().path().length(), x.path().path().length());
    if (c != 0) {
      return c;
    }
    if (x.hasMethod() != y.hasMethod()) {
      return x.hasMethod() ? -1 : 1;
    }
    c = Integer.compare(y.headerCount(), x.headerCount());
    if (c != 0) {
      return c;
    }
    c = Integer.compare(y.queryCount(), x.queryCount());
    if (c != 0) {
      return c;
    }
    return Integer.compare(a.order(), b.order());
  }
}
