package io.turnout.gateway.routing.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.turnout.gateway.snapshot.HeaderModifierSpec;

/**
 * The {@code ResponseHeaderModifier} filter: header edits on the upstream's response head, after
 * the gateway's own hop-by-hop rewrite and before its pin cookie is added. Immutable.
 */
public final class ResponseHeaderModifier {
  private final HeaderEdits edits;

  public ResponseHeaderModifier(HeaderModifierSpec spec) {
    this.edits = new HeaderEdits(spec);
  }

  public void apply(HttpHeaders responseHeaders) {
    edits.apply(responseHeaders);
  }
}
