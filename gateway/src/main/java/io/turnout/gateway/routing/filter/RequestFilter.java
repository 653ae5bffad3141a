package io.turnout.gateway.routing.filter;

import io.netty.handler.codec.http.HttpRequest;

/**
 * Edits a matched request before it goes upstream. Immutable, compiled once per snapshot; runs on
 * the event loop after the gateway's own header rewrite, so what it sets is what the upstream sees.
 */
public interface RequestFilter {
  void apply(HttpRequest request);
}
