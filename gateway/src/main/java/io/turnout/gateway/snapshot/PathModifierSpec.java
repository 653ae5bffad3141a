package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A path change (Gateway API HTTPPathModifier).
 *
 * @param type {@code ReplaceFullPath} or {@code ReplacePrefixMatch} (replaces the part the route's
 *     path prefix matched)
 * @param replaceFullPath the new path, for {@code ReplaceFullPath}
 * @param replacePrefixMatch the new prefix, for {@code ReplacePrefixMatch}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PathModifierSpec(String type, String replaceFullPath, String replacePrefixMatch) {
  public static final String REPLACE_FULL_PATH = "ReplaceFullPath";
  public static final String REPLACE_PREFIX_MATCH = "ReplacePrefixMatch";
}
