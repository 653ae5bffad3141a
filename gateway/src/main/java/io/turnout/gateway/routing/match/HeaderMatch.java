package io.turnout.gateway.routing.match;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.AsciiString;

/**
 * A request header must be present with a value that matches, exactly (case-sensitively) or by
 * regular expression. The name is compared case-insensitively. When the header appears more than
 * once, its first value is the one compared (the Gateway API leaves this to the implementation).
 */
public final class HeaderMatch implements RequestCondition {
  private final AsciiString name;
  private final ValueMatch value;

  /**
   * @param type {@code Exact} (also {@code null}) or {@code RegularExpression}
   */
  public HeaderMatch(String name, String type, String value) {
    this.name = AsciiString.cached(name.toLowerCase(java.util.Locale.ROOT));
    this.value = ValueMatch.of(type, value);
  }

  @Override
  public boolean matches(HttpMethod method, String uri, HttpHeaders headers) {
    return value.test(headers.get(name));
  }
}
