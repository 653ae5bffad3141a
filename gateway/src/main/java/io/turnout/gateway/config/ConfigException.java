package io.turnout.gateway.config;

import java.util.List;

/**
 * A configuration or snapshot that cannot be used. Each problem names the field by its path and
 * says why, e.g. {@code hosts[0].routes[0].versions[1].weight: must be >= 0, was -5}.
 */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
