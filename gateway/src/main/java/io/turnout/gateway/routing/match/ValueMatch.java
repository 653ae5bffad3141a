package io.turnout.gateway.routing.match;

import java.util.regex.Pattern;

/**
 * A value compared exactly or against a regular expression (Java syntax, the whole value must
 * match), as header and query parameter matches do. Immutable; the pattern is compiled once.
 */
final class ValueMatch {
  private final String exact;
  private final Pattern pattern;

  private ValueMatch(String exact, Pattern pattern) {
    this.exact = exact;
    this.pattern = pattern;
  }

  static ValueMatch of(String type, String value) {
    return "RegularExpression".equals(type)
        ? new ValueMatch(null, Pattern.compile(value))
        : new ValueMatch(value, null);
  }

  boolean test(String value) {
    if (value == null) {
      return false;
    }
    return pattern == null ? exact.equals(value) : pattern.matcher(value).matches();
  }
}
