package io.turnout.gateway.routing.filter;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.turnout.gateway.snapshot.RouteFilterSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's compiled filters: a redirect (the gateway answers), or request filters applied in order
 * before the request goes upstream and response filters applied to the upstream's response head.
 * {@link #NONE} for nearly every route, so the common path only tests a field. Immutable.
 */
public final class RouteFilters {
  public static final RouteFilters NONE =
      new RouteFilters(null, new RequestFilter[0], new ResponseHeaderModifier[0]);

  private final RequestRedirect redirect;
  private final RequestFilter[] request;
  private final ResponseHeaderModifier[] response;

  private RouteFilters(
      RequestRedirect redirect, RequestFilter[] request, ResponseHeaderModifier[] response) {
    this.redirect = redirect;
    this.request = request;
    this.response = response;
  }

  /**
   * Compiles validated filter specs.
   *
   * @param routePath the route's normalised path (what {@code ReplacePrefixMatch} replaces)
   */
  public static RouteFilters compile(List<RouteFilterSpec> specs, String routePath) {
    if (specs.isEmpty()) {
      return NONE;
    }
    RequestRedirect redirect = null;
    List<RequestFilter> request = new ArrayList<>();
    List<ResponseHeaderModifier> response = new ArrayList<>();
    for (RouteFilterSpec f : specs) {
      switch (f.type()) {
        case RouteFilterSpec.REQUEST_HEADER_MODIFIER ->
            request.add(new RequestHeaderModifier(f.requestHeaderModifier()));
        case RouteFilterSpec.RESPONSE_HEADER_MODIFIER ->
            response.add(new ResponseHeaderModifier(f.responseHeaderModifier()));
        case RouteFilterSpec.URL_REWRITE -> request.add(new UrlRewrite(f.urlRewrite(), routePath));
        case RouteFilterSpec.REQUEST_REDIRECT ->
            redirect = new RequestRedirect(f.requestRedirect(), routePath);
        default -> throw new IllegalArgumentException("unvalidated filter type " + f.type());
      }
    }
    return new RouteFilters(
        redirect,
        request.toArray(new RequestFilter[0]),
        response.toArray(new ResponseHeaderModifier[0]));
  }

  /** The redirect this route answers with, or null when it proxies. */
  public RequestRedirect redirect() {
    return redirect;
  }

  /** Applies the request filters, in their configured order. */
  public void applyToRequest(HttpRequest req) {
    for (RequestFilter f : request) {
      f.apply(req);
    }
  }

  /** Applies the response header modifiers to an upstream response head. */
  public void applyToResponse(HttpHeaders responseHeaders) {
    for (ResponseHeaderModifier f : response) {
      f.apply(responseHeaders);
    }
  }
}
