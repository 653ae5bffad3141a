package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A query parameter a route requires (Gateway API HTTPQueryParamMatch).
 *
 * @param name parameter name, compared exactly (case-sensitively)
 * @param value the value to match
 * @param type {@code Exact} (the default, also when {@code null}) or {@code RegularExpression}
 */
public record QueryParamMatchSpec(
    String name, String value, @JsonInclude(JsonInclude.Include.NON_NULL) String type) {
  public QueryParamMatchSpec(String name, String value) {
    this(name, value, null);
  }
}
