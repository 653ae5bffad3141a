package io.turnout.gateway.routing.filter;

import io.netty.handler.codec.http.HttpRequest;
import io.turnout.gateway.snapshot.HeaderModifierSpec;

/** The {@code RequestHeaderModifier} filter: header edits on the request going upstream. */
public final class RequestHeaderModifier implements RequestFilter {
  private final HeaderEdits edits;

  public RequestHeaderModifier(HeaderModifierSpec spec) {
    this.edits = new HeaderEdits(spec);
  }

  @Override
  public void apply(HttpRequest request) {
    edits.apply(request.headers());
  }
}
