package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Rewrite the request before it goes upstream (Gateway API HTTPURLRewriteFilter).
 *
 * @param hostname the Host header the upstream sees, or {@code null} to keep it
 * @param path how the path changes, or {@code null} to keep it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UrlRewriteSpec(String hostname, PathModifierSpec path) {}
