package io.turnout.gateway.routing.match;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/**
 * A condition of a route besides its path (method, header, query parameter); a route matches when
 * its path and all its conditions do. Implementations are immutable and compiled once per snapshot
 * (names lower-cased, regular expressions compiled); they run on an event loop.
 */
public interface RequestCondition {
  /**
   * @param uri the request target in origin form, query included
   */
  boolean matches(HttpMethod method, String uri, HttpHeaders headers);
}
