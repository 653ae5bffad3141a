package io.turnout.gateway.snapshot;

/**
 * A header name and value, as a header modifier sets or adds it.
 *
 * @param name header name
 * @param value header value
 */
public record HeaderValueSpec(String name, String value) {}
