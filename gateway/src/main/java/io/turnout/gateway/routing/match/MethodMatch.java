package io.turnout.gateway.routing.match;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;

/** The request method must be this one (compared exactly: methods are case-sensitive). */
public final class MethodMatch implements RequestCondition {
  private final String method;

  public MethodMatch(String method) {
    this.method = method;
  }

  @Override
  public boolean matches(HttpMethod m, String uri, HttpHeaders headers) {
    return method.equals(m.name());
  }
}
