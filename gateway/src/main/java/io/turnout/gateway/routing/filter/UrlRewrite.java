package io.turnout.gateway.routing.filter;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.turnout.gateway.snapshot.UrlRewriteSpec;

/**
 * The {@code URLRewrite} filter: the upstream sees another {@code Host} and/or path. Routing, the
 * pin cookie (bound to the host the client asked for), the asset guard and the access log all use
 * the request as the client sent it. Immutable.
 */
public final class UrlRewrite implements RequestFilter {
  private final String hostname;
  private final PathModifier path;

  /**
   * @param routePath the route's normalised path, the prefix {@code ReplacePrefixMatch} replaces
   */
  public UrlRewrite(UrlRewriteSpec spec, String routePath) {
    this.hostname = spec.hostname();
    this.path = spec.path() == null ? null : PathModifier.of(spec.path(), routePath);
  }

  @Override
  public void apply(HttpRequest request) {
    if (hostname != null) {
      request.headers().set(HttpHeaderNames.HOST, hostname);
    }
    if (path != null) {
      request.setUri(path.applyToUri(request.uri()));
    }
  }
}
