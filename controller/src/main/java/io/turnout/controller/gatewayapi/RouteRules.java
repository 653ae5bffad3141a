package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPQueryParamMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.RetiredBackends;
import io.turnout.controller.k8s.ServiceBackend;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.HeaderModifierSpec;
import io.turnout.gateway.snapshot.HeaderValueSpec;
import io.turnout.gateway.snapshot.PathModifierSpec;
import io.turnout.gateway.snapshot.QueryParamMatchSpec;
import io.turnout.gateway.snapshot.RedirectSpec;
import io.turnout.gateway.snapshot.RouteFilterSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.UrlRewriteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTPRoute's rules as snapshot routes: each rule x match is a {@link RouteSpec} (a rule without
 * matches is {@code PathPrefix /}); the matches of one rule share its versions and filters. Each
 * {@code backendRef} Service is a version (named by its {@code turnout.io/version} annotation, else
 * the Service name) with the ref's {@code weight} (default 1; 0 is dark); a {@code RequestMirror}
 * backend is a version at weight 0 mirroring its percentage (100 when none is given). A backendRef
 * that does not resolve stays a version without endpoints, so its share of new clients gets an
 * error, as the Gateway API asks, and {@code ResolvedRefs} says why.
 *
 * <p>Stateless apart from the {@link RetiredBackends} it is given.
 */
final class RouteRules {
  /** The version a rule without backends (a redirect) gets; it never takes traffic. */
  static final String NO_BACKEND = "no-backend";

  /**
   * @param routes the routes, in rule then match order
   * @param resolvedRefs null when every backendRef resolved, else the first problem
   * @param unsupported null when every field is understood, else what is not (the route is then not
   *     accepted)
   */
  record Result(List<RouteSpec> routes, Problem resolvedRefs, String unsupported) {}

  /** A condition reason and its message. */
  record Problem(String reason, String message) {}

  private final ClusterView view;
  private final ReferenceGrants grants;
  private final RetiredBackends retired;

  RouteRules(ClusterView view, ReferenceGrants grants, RetiredBackends retired) {
    this.view = view;
    this.grants = grants;
    this.retired = retired;
  }

  Result translate(HTTPRoute route) {
    String ns = route.getMetadata().getNamespace();
    String key = ns + "/" + route.getMetadata().getName();
    List<RouteSpec> out = new ArrayList<>();
    Problem[] refs = new Problem[1];
    List<HTTPRouteRule> rules =
        route.getSpec() == null || route.getSpec().getRules() == null
            ? List.of()
            : route.getSpec().getRules();
    for (int i = 0; i < rules.size(); i++) {
      HTTPRouteRule rule = rules.get(i);
      String at = "spec.rules[" + i + "]";
      Map<String, VersionSpec> versions = new LinkedHashMap<>();
      Map<String, ServiceBackend> backends = new LinkedHashMap<>();
      for (HTTPBackendRef ref : nonNull(rule.getBackendRefs())) {
        int weight = ref.getWeight() == null ? 1 : ref.getWeight();
        addVersion(
            versions,
            backends,
            resolve(
                ns,
                ref.getGroup(),
                ref.getKind(),
                ref.getNamespace(),
                ref.getName(),
                ref.getPort(),
                refs),
            ref.getName(),
            weight,
            0);
      }
      List<RouteFilterSpec> filters = new ArrayList<>();
      for (HTTPRouteFilter f : nonNull(rule.getFilters())) {
        String type = f.getType() == null ? "" : f.getType();
        switch (type) {
          case "RequestHeaderModifier" ->
              filters.add(RouteFilterSpec.requestHeaders(headers(f.getRequestHeaderModifier())));
          case "ResponseHeaderModifier" ->
              filters.add(RouteFilterSpec.responseHeaders(headers(f.getResponseHeaderModifier())));
          case "RequestRedirect" -> {
            var r = f.getRequestRedirect();
            filters.add(
                RouteFilterSpec.redirect(
                    new RedirectSpec(
                        r.getScheme(),
                        r.getHostname(),
                        path(r.getPath()),
                        r.getPort(),
                        r.getStatusCode())));
          }
          case "URLRewrite" ->
              filters.add(
                  RouteFilterSpec.rewrite(
                      new UrlRewriteSpec(
                          f.getUrlRewrite().getHostname(), path(f.getUrlRewrite().getPath()))));
          case "RequestMirror" -> {
            HTTPRequestMirrorFilter m = f.getRequestMirror();
            var b = m.getBackendRef();
            addVersion(
                versions,
                backends,
                resolve(
                    ns,
                    b.getGroup(),
                    b.getKind(),
                    b.getNamespace(),
                    b.getName(),
                    b.getPort(),
                    refs),
                b.getName(),
                0,
                mirrorPercent(m));
          }
          default -> {
            return new Result(
                List.of(), refs[0], at + ".filters: type " + type + " is not supported");
          }
        }
      }
      List<RouteSpec> matched = new ArrayList<>();
      List<HTTPRouteMatch> matches =
          rule.getMatches() == null || rule.getMatches().isEmpty()
              ? List.of(new HTTPRouteMatch())
              : rule.getMatches();
      for (HTTPRouteMatch m : matches) {
        String pathType =
            m.getPath() == null || m.getPath().getType() == null
                ? RouteSpec.PATH_PREFIX
                : m.getPath().getType();
        if (!pathType.equals(RouteSpec.PATH_PREFIX) && !pathType.equals(RouteSpec.EXACT)) {
          return new Result(
              List.of(), refs[0], at + ".matches: path type " + pathType + " is not supported");
        }
        String path =
            m.getPath() == null || m.getPath().getValue() == null ? "/" : m.getPath().getValue();
        List<HeaderMatchSpec> headers = new ArrayList<>();
        for (HTTPHeaderMatch h : nonNull(m.getHeaders())) {
          headers.add(new HeaderMatchSpec(h.getName(), h.getValue(), exactAsNull(h.getType())));
        }
        List<QueryParamMatchSpec> query = new ArrayList<>();
        for (HTTPQueryParamMatch q : nonNull(m.getQueryParams())) {
          query.add(new QueryParamMatchSpec(q.getName(), q.getValue(), exactAsNull(q.getType())));
        }
        matched.add(
            new RouteSpec(
                path,
                List.of(),
                pathType.equals(RouteSpec.EXACT) ? RouteSpec.EXACT : null,
                m.getMethod(),
                headers,
                query,
                filters));
      }
      if (versions.isEmpty()) {
        versions.put(NO_BACKEND, new VersionSpec(NO_BACKEND, 0, List.of()));
      }
      for (RouteSpec r : matched) {
        String slot = key + " " + r.withVersions(List.of());
        out.add(
            r.withVersions(retired.withRetired(slot, List.copyOf(versions.values()), backends)));
      }
    }
    return new Result(List.copyOf(out), refs[0], null);
  }

  private static void addVersion(
      Map<String, VersionSpec> versions,
      Map<String, ServiceBackend> backends,
      ServiceBackend backend,
      String refName,
      int weight,
      int mirror) {
    String name = backend == null ? refName : backend.version();
    VersionSpec before = versions.get(name);
    if (before != null) {
      // Two refs to one version: their shares add up, the mirror is the larger.
      versions.put(
          name,
          new VersionSpec(
              name,
              before.weight() + weight,
              before.endpoints(),
              null,
              Math.max(before.mirror(), mirror)));
      return;
    }
    versions.put(
        name,
        backend == null
            ? new VersionSpec(name, weight, List.of(), null, mirror)
            : backend.asVersion(weight, mirror));
    if (backend != null) {
      backends.put(name, backend);
    }
  }

  /** The Service a ref names, or null with the first problem recorded in {@code refs[0]}. */
  private ServiceBackend resolve(
      String routeNs,
      String group,
      String kind,
      String namespace,
      String name,
      Integer port,
      Problem[] refs) {
    String k = kind == null ? GatewayApi.SERVICE : kind;
    String ns = namespace == null || namespace.isEmpty() ? routeNs : namespace;
    Problem problem = null;
    ServiceBackend backend = null;
    if (!GatewayApi.isCore(group) || !k.equals(GatewayApi.SERVICE)) {
      problem =
          new Problem(
              "InvalidKind",
              "backendRef "
                  + name
                  + ": kind "
                  + (group == null || group.isEmpty() ? "" : group + "/")
                  + k
                  + " is not supported; only Service is");
    } else if (!grants.permits(routeNs, ns, name)) {
      problem =
          new Problem(
              "RefNotPermitted",
              "backendRef "
                  + ns
                  + "/"
                  + name
                  + ": no ReferenceGrant in namespace "
                  + ns
                  + " allows HTTPRoutes of "
                  + routeNs
                  + " to use it");
    } else {
      Service service = view.service(ns + "/" + name);
      if (service == null) {
        problem =
            new Problem("BackendNotFound", "backendRef " + ns + "/" + name + ": Service not found");
      } else {
        try {
          backend = ServiceBackend.of(service, port, view);
        } catch (IllegalArgumentException e) {
          problem =
              new Problem(
                  "BackendNotFound", "backendRef " + ns + "/" + name + ": " + e.getMessage());
        }
      }
    }
    if (problem != null && refs[0] == null) {
      refs[0] = problem;
    }
    return backend;
  }

  private static int mirrorPercent(HTTPRequestMirrorFilter m) {
    if (m.getPercent() != null) {
      return Math.max(0, Math.min(100, m.getPercent()));
    }
    if (m.getFraction() != null && m.getFraction().getNumerator() != null) {
      int denominator =
          m.getFraction().getDenominator() == null ? 100 : m.getFraction().getDenominator();
      return denominator <= 0
          ? 100
          : Math.max(0, Math.min(100, m.getFraction().getNumerator() * 100 / denominator));
    }
    return 100;
  }

  private static HeaderModifierSpec headers(HTTPHeaderFilter f) {
    if (f == null) {
      return new HeaderModifierSpec(null, null, null);
    }
    return new HeaderModifierSpec(values(f.getSet()), values(f.getAdd()), f.getRemove());
  }

  private static List<HeaderValueSpec> values(List<HTTPHeader> headers) {
    List<HeaderValueSpec> out = new ArrayList<>();
    for (HTTPHeader h : nonNull(headers)) {
      out.add(new HeaderValueSpec(h.getName(), h.getValue()));
    }
    return out;
  }

  private static PathModifierSpec path(HTTPPathModifier p) {
    return p == null
        ? null
        : new PathModifierSpec(p.getType(), p.getReplaceFullPath(), p.getReplacePrefixMatch());
  }

  private static String exactAsNull(String type) {
    return type == null || type.equals("Exact") ? null : type;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
