package io.turnout.controller.ingress;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The ingress-nginx canary annotations of one Ingress, read and checked.
 *
 * <p>Example: {@code canary: "true"}, {@code canary-weight: "10"} and {@code canary-by-header:
 * "X-Canary"} give weight 10 of total 100 and a header rule with neither value nor pattern, so
 * {@code X-Canary: always} goes to the canary and {@code X-Canary: never} to the main backend.
 *
 * @param canary {@code nginx.ingress.kubernetes.io/canary} is {@code "true"}
 * @param weight {@code canary-weight}, 0 when absent
 * @param total {@code canary-weight-total}, 100 when absent
 * @param header {@code canary-by-header}, or null
 * @param headerValue {@code canary-by-header-value}, or null
 * @param headerPattern {@code canary-by-header-pattern}, or null (ignored when a value is given)
 * @param cookie {@code canary-by-cookie}, or null
 */
record CanaryAnnotations(
    boolean canary,
    int weight,
    int total,
    String header,
    String headerValue,
    String headerPattern,
    String cookie) {
  static final String PREFIX = "nginx.ingress.kubernetes.io/";
  static final String CANARY = PREFIX + "canary";
  static final String WEIGHT = PREFIX + "canary-weight";
  static final String WEIGHT_TOTAL = PREFIX + "canary-weight-total";
  static final String BY_HEADER = PREFIX + "canary-by-header";
  static final String BY_HEADER_VALUE = PREFIX + "canary-by-header-value";
  static final String BY_HEADER_PATTERN = PREFIX + "canary-by-header-pattern";
  static final String BY_COOKIE = PREFIX + "canary-by-cookie";

  /** The ingress-nginx values of a header or cookie that force a backend. */
  static final String ALWAYS = "always";

  static final String NEVER = "never";

  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final int MAX_TOTAL = 1_000_000;

  /**
   * Reads the annotations of an Ingress.
   *
   * @throws IllegalArgumentException naming the annotation and why it is refused
   */
  static CanaryAnnotations of(Map<String, String> annotations) {
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    boolean canary = "true".equalsIgnoreCase(trimmed(a.get(CANARY)));
    int total = number(a, WEIGHT_TOTAL, 100);
    if (total < 1 || total > MAX_TOTAL) {
      throw new IllegalArgumentException(
          WEIGHT_TOTAL + ": must be 1.." + MAX_TOTAL + ", was " + total);
    }
    int weight = number(a, WEIGHT, 0);
    if (weight < 0 || weight > total) {
      throw new IllegalArgumentException(
          WEIGHT + ": must be 0.." + total + " (the weight total), was " + weight);
    }
    String header = token(a, BY_HEADER);
    String cookie = token(a, BY_COOKIE);
    String value = trimmed(a.get(BY_HEADER_VALUE));
    String pattern = trimmed(a.get(BY_HEADER_PATTERN));
    if (value != null && value.isEmpty()) {
      value = null;
    }
    if (pattern != null && pattern.isEmpty()) {
      pattern = null;
    }
    if (pattern != null && value == null) {
      try {
        Pattern.compile(pattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            BY_HEADER_PATTERN
                + ": '"
                + pattern
                + "' is not a regular expression: "
                + e.getDescription());
      }
    }
    return new CanaryAnnotations(
        canary, weight, total, header, value, value == null ? pattern : null, cookie);
  }

  private static String trimmed(String s) {
    return s == null ? null : s.trim();
  }

  private static int number(Map<String, String> a, String key, int absent) {
    String text = trimmed(a.get(key));
    if (text == null || text.isEmpty()) {
      return absent;
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a whole number");
    }
  }

  private static String token(Map<String, String> a, String key) {
    String text = trimmed(a.get(key));
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (!TOKEN.matcher(text).matches()) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not a valid name");
    }
    return text;
  }
}
