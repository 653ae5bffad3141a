package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A request header a route requires (Gateway API HTTPHeaderMatch).
 *
 * @param name header name, compared case-insensitively
 * @param value the value to match
 * @param type {@code Exact} (the default, also when {@code null}) or {@code RegularExpression}
 *     (Java regex syntax, matched against the whole value)
 */
public record HeaderMatchSpec(
    String name, String value, @JsonInclude(JsonInclude.Include.NON_NULL) String type) {
  public HeaderMatchSpec(String name, String value) {
    this(name, value, null);
  }
}
