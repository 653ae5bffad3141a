package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.turnout.gateway.affinity.AffinityPolicy;
import io.turnout.gateway.affinity.ChoiceReason;
import io.turnout.gateway.affinity.VersionChoice;
import io.turnout.gateway.affinity.VersionChooser;
import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.CompiledRoute;
import io.turnout.gateway.routing.RoutingTable;
import io.turnout.gateway.routing.UpstreamEndpoint;
import io.turnout.gateway.routing.VersionTarget;

/**
 * The first step of an {@link Exchange}: validate the head ({@link RequestValidator}, {@link
 * UnderscoreHeaders}), find the host and route, choose the version ({@link VersionChooser}, the pin
 * cookie to set) and pick an endpoint. A request that cannot go anywhere is refused through the
 * exchange (400s, 404, 503), with what was learnt so far recorded for the meters.
 *
 * <p>Stateless; runs on the client connection's event loop, using that connection's {@link
 * VersionChoice} and {@code AssetFallback}.
 */
final class RequestRouter {
  /** Where a routed request goes. */
  record Routed(
      CompiledHost host,
      CompiledRoute route,
      VersionTarget version,
      ChoiceReason reason,
      CharSequence setCookie,
      UpstreamEndpoint endpoint) {}

  private RequestRouter() {}

  /** Routes {@code req}; null when {@code ex} was refused instead. */
  static Routed route(
      Exchange ex, Downstream client, ProxyContext proxy, HttpRequest req, long startNanos) {
    RequestRejection rejection = RequestValidator.check(req, proxy.config.limits().maxBodySize());
    if (rejection != null) {
      ReferenceCountUtil.release(req);
      ex.refuse(rejection.status(), rejection.reason(), true);
      return null;
    }
    if (!proxy.config.limits().allowUnderscoresInHeaders()) {
      UnderscoreHeaders.drop(req.headers());
    }
    RoutingTable table = proxy.routing.table();
    if (table == null) {
      ex.refuse(HttpResponseStatus.SERVICE_UNAVAILABLE, "no routing snapshot yet", false);
      return null;
    }
    String hostHeader = req.headers().get(HttpHeaderNames.HOST);
    CompiledHost host = table.host(hostHeader);
    if (host == null) {
      ex.refuse(HttpResponseStatus.NOT_FOUND, "unknown host", false);
      return null;
    }
    ex.routedSoFar(host, null, null);
    String path = RequestValidator.pathOf(req.uri());
    if (!path.equals(req.uri())) {
      req.setUri(path); // absolute-form becomes origin-form for the upstream
    }
    CompiledRoute route = host.route(req.method(), path, req.headers());
    if (route == null) {
      ex.refuse(HttpResponseStatus.NOT_FOUND, "no route for this path on " + host.name(), false);
      return null;
    }
    if (route.filters().redirect() != null) {
      ex.redirect(route.filters().redirect(), path, hostHeader, client.isHttps(req));
      return null;
    }
    client.assetFallback().begin(host, route, req.method(), path);
    AffinityPolicy policy = host.affinity();
    VersionChoice choice = client.choice();
    VersionChooser.choose(policy, route, req.method(), req.headers(), startNanos, choice);
    VersionTarget version = choice.target();
    if (version == null) {
      ex.refuse(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no serving version for " + host.name() + route.prefix(),
          false);
      return null;
    }
    ChoiceReason reason = choice.reason();
    ex.routedSoFar(host, version, reason);
    CharSequence setCookie = null;
    if (choice.setCookie()) {
      setCookie =
          policy.setCookieHeader(choice.bucket(), version.name(), hostHeader, client.isHttps(req));
    }
    if (choice.previous() != null) {
      proxy.metrics.repinned(host.name(), choice.previous().name(), version.name());
    }
    UpstreamEndpoint ep = EndpointPicker.pick(version.endpoints(), null, startNanos);
    if (ep == null) {
      ex.refuse(
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          "no ready endpoint for version " + version.name(),
          false);
      return null;
    }
    return new Routed(host, route, version, reason, setCookie, ep);
  }
}
