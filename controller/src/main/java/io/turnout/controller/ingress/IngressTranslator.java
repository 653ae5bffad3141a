package io.turnout.controller.ingress;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.RetiredBackends;
import io.turnout.controller.k8s.ServiceBackend;
import io.turnout.controller.k8s.SourcedRoutes;
import io.turnout.gateway.snapshot.HeaderMatchSpec;
import io.turnout.gateway.snapshot.HostNames;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.SnapshotValidator;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Translates Turnout's Ingresses into sourced routes, one pass at a time.
 *
 * <p>A main Ingress (no {@code canary: "true"}) gives, per host, one route per path: {@code Exact}
 * is an exact path, {@code Prefix} and {@code ImplementationSpecific} a path prefix; a rule without
 * host is the catch-all host {@code *}; {@code defaultBackend} is the {@code /} prefix of each of
 * the Ingress's hosts that has none (of {@code *} when the Ingress has no rules). The backend
 * Service is the route's only version (named by its {@code turnout.io/version} annotation, else the
 * Service name), with its ready endpoints; a Service that does not exist yet is a version without
 * endpoints (the gateway answers 503, as ingress-nginx does).
 *
 * <p>A canary Ingress (ingress-nginx's annotations, {@link CanaryAnnotations}) adds its backend as
 * a second version to the main Ingress's route with the same host and path in its namespace (the
 * oldest main Ingress if several): worked example with {@code canary-by-header: X-Canary}, {@code
 * canary-by-cookie: beta}, {@code canary-weight: 10} on {@code shop.example.com/}:
 *
 * <pre>
 *   /  header X-Canary: always          -> canary
 *   /  header X-Canary: never           -> main
 *   /  header cookie ~ (.*;)?\s*beta=always\s*(;.*)?  -> canary
 *   /  header cookie ~ (.*;)?\s*beta=never\s*(;.*)?   -> main
 *   /                                   -> main 90, canary 10
 * </pre>
 *
 * Every header route has one header match, so the gateway tries them in list order: header before
 * cookie before weight, ingress-nginx's precedence. A canary Ingress with a path no main Ingress
 * has, a second canary for a path, or a canary whose backend is the main's version is refused with
 * the reason; the main route keeps serving. A canary Ingress claims its hosts too (with no routes
 * of its own), so host ownership refuses it like any Ingress.
 *
 * <p>Versions a route loses (the canary Ingress deleted) drain at weight 0 ({@link
 * RetiredBackends}). Owned by the reconciler thread.
 */
final class IngressTranslator {
  static final String KIND = "Ingress";

  private static final Comparator<Ingress> OLDEST_FIRST =
      Comparator.comparing(
              (Ingress i) -> createdAt(i), Comparator.nullsLast(Comparator.naturalOrder()))
          .thenComparing(i -> i.getMetadata().getNamespace())
          .thenComparing(i -> i.getMetadata().getName());

  private final ClusterView view;
  private final RetiredBackends retired;

  IngressTranslator(ClusterView view) {
    this.view = view;
    this.retired = new RetiredBackends(view);
  }

  /**
   * One pass's output.
   *
   * @param routes per (Ingress, host) its claim and routes
   * @param refused Ingresses (or canaries) left out by the translation, with the reason
   * @param tls per Ingress its TLS section, for people ("hosts [..] secret s"); the gateway's
   *     certificates come from its own configuration
   */
  record Result(
      List<SourcedRoutes> routes,
      Map<HostOwnership.ObjectRef, String> refused,
      Map<HostOwnership.ObjectRef, String> tls) {}

  /** A host and path of an Ingress with its backend. */
  private record Rule(String host, String path, boolean exact, IngressServiceBackend backend) {
    String key(String namespace) {
      return namespace + "|" + host + "|" + SnapshotValidator.normalizePrefix(path);
    }

    String describe() {
      return "host " + host + " path " + path;
    }
  }

  /** A main Ingress's route and, once found, its canary. */
  private static final class Main {
    final HostOwnership.ObjectRef ref;
    final Rule rule;
    Ingress canary;
    CanaryAnnotations canaryAnnotations;
    Rule canaryRule;

    Main(HostOwnership.ObjectRef ref, Rule rule) {
      this.ref = ref;
      this.rule = rule;
    }
  }

  Result translate(List<Ingress> ingresses) {
    List<Ingress> sorted = new ArrayList<>(ingresses);
    sorted.sort(OLDEST_FIRST);
    Map<HostOwnership.ObjectRef, String> refused = new LinkedHashMap<>();
    Map<HostOwnership.ObjectRef, String> tls = new LinkedHashMap<>();
    Map<String, Main> mains = new HashMap<>();
    Map<Ingress, List<Rule>> mainRules = new LinkedHashMap<>();
    Map<Ingress, List<Rule>> canaryRules = new LinkedHashMap<>();
    Map<Ingress, CanaryAnnotations> canaryAnnotations = new HashMap<>();
    for (Ingress ingress : sorted) {
      HostOwnership.ObjectRef ref = refOf(ingress);
      String note = tlsNote(ingress);
      if (note != null) {
        tls.put(ref, note);
      }
      try {
        CanaryAnnotations annotations =
            CanaryAnnotations.of(ingress.getMetadata().getAnnotations());
        List<Rule> rules = rulesOf(ingress);
        for (Rule r : rules) {
          resolve(ref.namespace(), r.backend(), 0); // a bad port refuses the Ingress here
        }
        if (annotations.canary()) {
          canaryRules.put(ingress, rules);
          canaryAnnotations.put(ingress, annotations);
        } else {
          mainRules.put(ingress, rules);
          for (Rule r : rules) {
            mains.putIfAbsent(r.key(ref.namespace()), new Main(ref, r));
          }
        }
      } catch (IllegalArgumentException e) {
        refused.put(ref, e.getMessage());
      }
    }
    for (Map.Entry<Ingress, List<Rule>> e : canaryRules.entrySet()) {
      String problem = attach(e.getKey(), canaryAnnotations.get(e.getKey()), e.getValue(), mains);
      if (problem != null) {
        refused.put(refOf(e.getKey()), problem);
      }
    }
    List<SourcedRoutes> out = new ArrayList<>();
    for (Map.Entry<Ingress, List<Rule>> e : mainRules.entrySet()) {
      Ingress ingress = e.getKey();
      HostOwnership.ObjectRef ref = refOf(ingress);
      Map<String, List<RouteSpec>> byHost = new LinkedHashMap<>();
      for (Rule r : e.getValue()) {
        List<RouteSpec> routes = byHost.computeIfAbsent(r.host(), h -> new ArrayList<>());
        Main main = mains.get(r.key(ref.namespace()));
        boolean winner = main != null && main.ref.equals(ref) && main.rule == r;
        routes.addAll(routesOf(ref.namespace(), r, winner ? main : null, refused));
      }
      for (Map.Entry<String, List<RouteSpec>> h : byHost.entrySet()) {
        out.add(new SourcedRoutes(claim(h.getKey(), ingress), h.getValue()));
      }
    }
    for (Map.Entry<Ingress, List<Rule>> e : canaryRules.entrySet()) {
      if (refused.containsKey(refOf(e.getKey()))) {
        continue;
      }
      for (String host : e.getValue().stream().map(Rule::host).distinct().toList()) {
        out.add(new SourcedRoutes(claim(host, e.getKey()), List.of()));
      }
    }
    retired.endPass();
    return new Result(out, refused, tls);
  }

  /** Attaches a canary's rules to their main routes, all or none; the problem, or null. */
  private static String attach(
      Ingress canary, CanaryAnnotations annotations, List<Rule> rules, Map<String, Main> mains) {
    String ns = canary.getMetadata().getNamespace();
    List<Main> found = new ArrayList<>();
    for (Rule r : rules) {
      Main main = mains.get(r.key(ns));
      if (main == null) {
        return "canary Ingress: no main Ingress (without "
            + CanaryAnnotations.CANARY
            + ") in namespace "
            + ns
            + " routes "
            + r.describe()
            + "; a canary needs one for each of its paths";
      }
      if (main.canary != null && main.canary != canary) {
        return "canary Ingress: "
            + r.describe()
            + " already has the canary Ingress "
            + main.canary.getMetadata().getName()
            + " (one canary per path)";
      }
      found.add(main);
    }
    for (int i = 0; i < rules.size(); i++) {
      Main main = found.get(i);
      main.canary = canary;
      main.canaryAnnotations = annotations;
      main.canaryRule = rules.get(i);
    }
    return null;
  }

  /** A main rule's routes: its plain route and, with a canary, the canary's rules. */
  private List<RouteSpec> routesOf(
      String ns, Rule rule, Main main, Map<HostOwnership.ObjectRef, String> refused) {
    Resolved primary = resolve(ns, rule.backend(), 100);
    String pathType = rule.exact() ? RouteSpec.EXACT : RouteSpec.PATH_PREFIX;
    List<RouteSpec> plain =
        List.of(
            routed(
                rule,
                new RouteSpec(
                    rule.path(), List.of(primary.version()), pathType, null, null, null, null),
                Map.of(primary.version().name(), primary)));
    if (main == null || main.canary == null) {
      return plain;
    }
    HostOwnership.ObjectRef canaryRef = refOf(main.canary);
    try {
      List<RouteSpec> routes =
          canaryRoutes(ns, rule, pathType, main.canaryAnnotations, main.canaryRule.backend());
      List<String> problems = new ArrayList<>();
      SnapshotValidator.validateHosts(
          List.of(new HostSpec(rule.host(), routes)), "host " + rule.host(), problems);
      if (!problems.isEmpty()) {
        throw new IllegalArgumentException(problems.get(0));
      }
      return routes;
    } catch (IllegalArgumentException e) {
      refused.putIfAbsent(canaryRef, "canary Ingress: " + e.getMessage());
      return plain;
    }
  }

  private List<RouteSpec> canaryRoutes(
      String ns,
      Rule rule,
      String pathType,
      CanaryAnnotations a,
      IngressServiceBackend canaryBackend) {
    Resolved main = resolve(ns, rule.backend(), a.total() - a.weight());
    Resolved canary = resolve(ns, canaryBackend, a.weight());
    String m = main.version().name();
    String c = canary.version().name();
    if (m.equals(c)) {
      throw new IllegalArgumentException(
          "its backend is version '"
              + c
              + "', as is the main Ingress's; give the canary Service another"
              + " turnout.io/version");
    }
    Map<String, Resolved> both = Map.of(m, main, c, canary);
    List<RouteSpec> out = new ArrayList<>();
    if (a.header() != null) {
      if (a.headerValue() != null) {
        out.add(only(rule, pathType, new HeaderMatchSpec(a.header(), a.headerValue()), canary));
      } else if (a.headerPattern() != null) {
        out.add(
            only(
                rule,
                pathType,
                new HeaderMatchSpec(a.header(), a.headerPattern(), "RegularExpression"),
                canary));
      } else {
        out.add(
            only(
                rule, pathType, new HeaderMatchSpec(a.header(), CanaryAnnotations.ALWAYS), canary));
        out.add(
            only(rule, pathType, new HeaderMatchSpec(a.header(), CanaryAnnotations.NEVER), main));
      }
    }
    if (a.cookie() != null) {
      out.add(only(rule, pathType, cookieMatch(a.cookie(), CanaryAnnotations.ALWAYS), canary));
      out.add(only(rule, pathType, cookieMatch(a.cookie(), CanaryAnnotations.NEVER), main));
    }
    out.add(
        routed(
            rule,
            new RouteSpec(
                rule.path(),
                List.of(main.version(), canary.version()),
                pathType,
                null,
                null,
                null,
                null),
            both));
    return out;
  }

  /**
   * The cookie {@code name} with {@code value} as a match on the {@code Cookie} header: a regular
   * expression over the whole header value, so it finds the cookie among others ({@code a=1;
   * beta=always; b=2}).
   */
  static HeaderMatchSpec cookieMatch(String name, String value) {
    return new HeaderMatchSpec(
        "cookie",
        "(.*;)?\\s*" + Pattern.quote(name) + "=" + Pattern.quote(value) + "\\s*(;.*)?",
        "RegularExpression");
  }

  private RouteSpec only(Rule rule, String pathType, HeaderMatchSpec match, Resolved to) {
    VersionSpec v = new VersionSpec(to.version().name(), 1, to.version().endpoints());
    return routed(
        rule,
        new RouteSpec(rule.path(), List.of(v), pathType, null, List.of(match), null, null),
        Map.of(v.name(), to));
  }

  /** The route with the versions it lost since the last pass draining at weight 0. */
  private RouteSpec routed(Rule rule, RouteSpec route, Map<String, Resolved> resolved) {
    Map<String, ServiceBackend> backends = new HashMap<>();
    for (Map.Entry<String, Resolved> e : resolved.entrySet()) {
      if (e.getValue().backend() != null) {
        backends.put(e.getKey(), e.getValue().backend());
      }
    }
    String key =
        rule.host()
            + " "
            + (route.exactPath() ? "= " : "^ ")
            + SnapshotValidator.normalizePrefix(route.path())
            + " "
            + route.headers();
    return route.withVersions(retired.withRetired(key, route.versions(), backends));
  }

  /** A backend Service as a version: its backend, or null when the Service is missing. */
  private record Resolved(VersionSpec version, ServiceBackend backend) {}

  private Resolved resolve(String ns, IngressServiceBackend backend, int weight) {
    Service service = view.service(ns + "/" + backend.getName());
    if (service == null) {
      return new Resolved(new VersionSpec(backend.getName(), weight, List.of()), null);
    }
    Integer port = portOf(service, backend);
    ServiceBackend b = ServiceBackend.of(service, port, view);
    return new Resolved(b.asVersion(weight, 0), b);
  }

  /** The Service port number a backend names (by number or name); null for the default. */
  private static Integer portOf(Service service, IngressServiceBackend backend) {
    if (backend.getPort() == null) {
      return null;
    }
    List<ServicePort> ports =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    Integer number = backend.getPort().getNumber();
    String name = backend.getPort().getName();
    for (ServicePort p : ports) {
      if (number != null ? number.equals(p.getPort()) : name != null && name.equals(p.getName())) {
        return p.getPort();
      }
    }
    if (number == null && name == null) {
      return null;
    }
    throw new IllegalArgumentException(
        "backend port "
            + (number != null ? number : "'" + name + "'")
            + " matches no port of the Service "
            + backend.getName());
  }

  /** Hosts and paths of an Ingress with their backends, in the Ingress's order. */
  private static List<Rule> rulesOf(Ingress ingress) {
    List<Rule> out = new ArrayList<>();
    var spec = ingress.getSpec();
    if (spec == null) {
      throw new IllegalArgumentException("spec: is required");
    }
    IngressServiceBackend fallback =
        spec.getDefaultBackend() == null
            ? null
            : serviceOf(spec.getDefaultBackend(), "spec.defaultBackend");
    List<IngressRule> rules = spec.getRules() == null ? List.of() : spec.getRules();
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      IngressRule rule = rules.get(i);
      String host = hostOf(rule.getHost(), "spec.rules[" + i + "].host");
      if (!hosts.contains(host)) {
        hosts.add(host);
      }
      List<HTTPIngressPath> paths =
          rule.getHttp() == null || rule.getHttp().getPaths() == null
              ? List.of()
              : rule.getHttp().getPaths();
      for (int j = 0; j < paths.size(); j++) {
        HTTPIngressPath p = paths.get(j);
        String at = "spec.rules[" + i + "].http.paths[" + j + "]";
        String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
        String type = p.getPathType() == null ? "ImplementationSpecific" : p.getPathType();
        boolean exact =
            switch (type) {
              case "Exact" -> true;
              case "Prefix", "ImplementationSpecific" -> false;
              default ->
                  throw new IllegalArgumentException(
                      at
                          + ".pathType: '"
                          + type
                          + "' is not Exact, Prefix or ImplementationSpecific");
            };
        out.add(new Rule(host, path, exact, serviceOf(p.getBackend(), at + ".backend")));
      }
    }
    if (fallback != null) {
      if (hosts.isEmpty()) {
        hosts.add("*");
      }
      for (String host : hosts) {
        boolean hasRoot =
            out.stream().anyMatch(r -> r.host().equals(host) && !r.exact() && r.path().equals("/"));
        if (!hasRoot) {
          out.add(new Rule(host, "/", false, fallback));
        }
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("spec: has neither rules with paths nor a defaultBackend");
    }
    return out;
  }

  private static String hostOf(String host, String at) {
    if (host == null || host.isBlank()) {
      return "*";
    }
    String name = HostNames.normalize(host.trim());
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(at + ": '" + host + "' is not a host name");
    }
    return name;
  }

  private static IngressServiceBackend serviceOf(IngressBackend backend, String at) {
    if (backend == null || backend.getService() == null) {
      throw new IllegalArgumentException(
          at + ": only Service backends are routed (resource backends are not)");
    }
    if (backend.getService().getName() == null || backend.getService().getName().isBlank()) {
      throw new IllegalArgumentException(at + ".service.name: is required");
    }
    return backend.getService();
  }

  private static String tlsNote(Ingress ingress) {
    if (ingress.getSpec() == null || ingress.getSpec().getTls() == null) {
      return null;
    }
    List<String> notes = new ArrayList<>();
    for (IngressTLS t : ingress.getSpec().getTls()) {
      notes.add("hosts " + t.getHosts() + " secret " + t.getSecretName());
    }
    return notes.isEmpty() ? null : String.join("; ", notes);
  }

  static HostOwnership.ObjectRef refOf(Ingress i) {
    return new HostOwnership.ObjectRef(
        KIND, i.getMetadata().getNamespace(), i.getMetadata().getName());
  }

  private static HostOwnership.Claim claim(String host, Ingress ingress) {
    return new HostOwnership.Claim(host, createdAt(ingress), refOf(ingress));
  }

  static Instant createdAt(Ingress ingress) {
    String text = ingress.getMetadata().getCreationTimestamp();
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
