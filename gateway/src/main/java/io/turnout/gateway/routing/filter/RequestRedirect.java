package io.turnout.gateway.routing.filter;

import io.turnout.gateway.snapshot.RedirectSpec;

/**
 * The {@code RequestRedirect} filter: the gateway answers a redirect itself, no upstream is
 * contacted. The {@code Location} is the request's URL with the configured parts replaced:
 *
 * <ul>
 *   <li>scheme: the configured one, else the request's ({@code https} on the HTTPS listener or from
 *       a trusted hop's {@code X-Forwarded-Proto});
 *   <li>host: the configured hostname, else the request's {@code Host} without its port;
 *   <li>port: the configured one; else, when the scheme is configured, that scheme's well-known
 *       port; else the port of the request's {@code Host} header (the port the client used);
 *       omitted when it is the scheme's default (80 for http, 443 for https);
 *   <li>path: changed by the path modifier, else kept; the query is kept.
 * </ul>
 *
 * Immutable.
 */
public final class RequestRedirect {
  private final String scheme;
  private final String hostname;
  private final Integer port;
  private final PathModifier path;
  private final int statusCode;

  public RequestRedirect(RedirectSpec spec, String routePath) {
    this.scheme = spec.scheme();
    this.hostname = spec.hostname();
    this.port = spec.port();
    this.path = spec.path() == null ? null : PathModifier.of(spec.path(), routePath);
    this.statusCode = spec.statusCode() == null ? 302 : spec.statusCode();
  }

  /** 301 or 302. */
  public int statusCode() {
    return statusCode;
  }

  /**
   * @param uri the request target in origin form
   * @param hostHeader the request's {@code Host}, or null
   * @param https whether the request came over HTTPS
   */
  public String location(String uri, String hostHeader, boolean https) {
    String s = scheme != null ? scheme : https ? "https" : "http";
    String requestHost = hostHeader == null ? "" : hostHeader;
    int requestPort = -1;
    int colon = requestHost.lastIndexOf(':');
    if (colon >= 0 && requestHost.indexOf(']', colon) < 0) {
      try {
        requestPort = Integer.parseInt(requestHost.substring(colon + 1));
      } catch (NumberFormatException e) {
        requestPort = -1;
      }
      requestHost = requestHost.substring(0, colon);
    }
    String h = hostname != null ? hostname : requestHost;
    int defaultPort = s.equals("https") ? 443 : 80;
    int p = port != null ? port : scheme != null ? defaultPort : requestPort;
    String target = path == null ? uri : path.applyToUri(uri);
    StringBuilder sb = new StringBuilder(s.length() + h.length() + target.length() + 10);
    sb.append(s).append("://").append(h);
    if (p > 0 && p != defaultPort) {
      sb.append(':').append(p);
    }
    return sb.append(target).toString();
  }
}
