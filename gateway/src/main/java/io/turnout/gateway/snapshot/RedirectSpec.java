package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Answer with a redirect instead of proxying (Gateway API HTTPRequestRedirectFilter). A field left
 * {@code null} keeps that part of the request's URL.
 *
 * @param scheme {@code http} or {@code https}
 * @param hostname the host to redirect to
 * @param path how the path changes
 * @param port the port to redirect to
 * @param statusCode 301 or 302 (the default, also when {@code null})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RedirectSpec(
    String scheme, String hostname, PathModifierSpec path, Integer port, Integer statusCode) {}
