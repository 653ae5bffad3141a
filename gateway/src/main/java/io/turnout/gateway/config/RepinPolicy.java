package io.turnout.gateway.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** When a pinned client may move to another version. */
public enum RepinPolicy {
  /** A top-level page navigation re-evaluates the client's bucket against current weights. */
  NAVIGATION,
  /** The pin holds while its version is serving; the client moves only when it stops serving. */
  NEVER;

  @JsonValue
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static RepinPolicy fromConfig(String text) {
    for (RepinPolicy p : values()) {
      if (p.configName().equalsIgnoreCase(text)) {
        return p;
      }
    }
    throw new IllegalArgumentException("'" + text + "' is not one of: navigation, never");
  }
}
