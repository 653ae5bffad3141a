package io.turnout.gateway.snapshot;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One filter of a route, shaped like the Gateway API's HTTPRouteFilter: {@code type} names the
 * filter and exactly the field of that name is set.
 *
 * @param type {@code RequestHeaderModifier}, {@code ResponseHeaderModifier}, {@code
 *     RequestRedirect} or {@code URLRewrite}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouteFilterSpec(
    String type,
    HeaderModifierSpec requestHeaderModifier,
    HeaderModifierSpec responseHeaderModifier,
    RedirectSpec requestRedirect,
    UrlRewriteSpec urlRewrite) {
  public static final String REQUEST_HEADER_MODIFIER = "RequestHeaderModifier";
  public static final String RESPONSE_HEADER_MODIFIER = "ResponseHeaderModifier";
  public static final String REQUEST_REDIRECT = "RequestRedirect";
  public static final String URL_REWRITE = "URLRewrite";

  public static RouteFilterSpec requestHeaders(HeaderModifierSpec m) {
    return new RouteFilterSpec(REQUEST_HEADER_MODIFIER, m, null, null, null);
  }

  public static RouteFilterSpec responseHeaders(HeaderModifierSpec m) {
    return new RouteFilterSpec(RESPONSE_HEADER_MODIFIER, null, m, null, null);
  }

  public static RouteFilterSpec redirect(RedirectSpec r) {
    return new RouteFilterSpec(REQUEST_REDIRECT, null, null, r, null);
  }

  public static RouteFilterSpec rewrite(UrlRewriteSpec r) {
    return new RouteFilterSpec(URL_REWRITE, null, null, null, r);
  }
}
