package io.turnout.gateway.routing.match;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * A query parameter must be present with a value that matches, exactly or by regular expression.
 * Names are compared exactly (case-sensitively) after percent-decoding, as are values; when the
 * parameter appears more than once, only its first occurrence counts (Gateway API). A parameter
 * without {@code =} has the empty value.
 */
public final class QueryParamMatch implements RequestCondition {
  private final String name;
  private final ValueMatch value;

  /**
   * @param type {@code Exact} (also {@code null}) or {@code RegularExpression}
   */
  public QueryParamMatch(String name, String type, String value) {
    this.name = name;
    this.value = ValueMatch.of(type, value);
  }

  @Override
  public boolean matches(HttpMethod method, String uri, HttpHeaders headers) {
    return value.test(firstValue(uri, name));
  }

  /** The first value of parameter {@code name} in {@code uri}'s query, decoded, or null. */
  static String firstValue(String uri, String name) {
    int q = uri.indexOf('?');
    if (q < 0) {
      return null;
    }
    int end = uri.indexOf('#', q);
    if (end < 0) {
      end = uri.length();
    }
    int i = q + 1;
    while (i < end) {
      int amp = uri.indexOf('&', i);
      if (amp < 0 || amp > end) {
        amp = end;
      }
      int eq = uri.indexOf('=', i);
      int nameEnd = eq < 0 || eq > amp ? amp : eq;
      if (nameEnd > i && decode(uri.substring(i, nameEnd)).equals(name)) {
        return nameEnd == amp ? "" : decode(uri.substring(nameEnd + 1, amp));
      }
      i = amp + 1;
    }
    return null;
  }

  private static String decode(String s) {
    try {
      return QueryStringDecoder.decodeComponent(s);
    } catch (IllegalArgumentException e) {
      return s; // a malformed escape is compared as written
    }
  }
}
