package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Header edits (Gateway API HTTPHeaderFilter), applied in the order remove, set, add.
 *
 * @param set headers to set, replacing any value present
 * @param add headers to add, keeping values present
 * @param remove header names to remove
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record HeaderModifierSpec(
    List<HeaderValueSpec> set, List<HeaderValueSpec> add, List<String> remove) {
  public HeaderModifierSpec {
    set = set == null ? List.of() : List.copyOf(set);
    add = add == null ? List.of() : List.copyOf(add);
    remove = remove == null ? List.of() : List.copyOf(remove);
  }
}
