package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.RetiredBackends;
import io.turnout.controller.k8s.SourcedRoutes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One pass over the Gateway API objects: which HTTPRoutes attach to which listeners of Turnout's
 * Gateways, the hosts and routes they give, and the status every object should have.
 *
 * <ul>
 *   <li>A GatewayClass is Turnout's when its {@code controllerName} is {@value
 *       GatewayApi#CONTROLLER_NAME}; it is {@code Accepted}. A Gateway of such a class is served by
 *       the whole Turnout fleet: listener ports are the gateways' own, only {@code HTTP} listeners
 *       are supported.
 *   <li>An HTTPRoute attaches to a listener (its {@code parentRefs}, narrowed by {@code
 *       sectionName} and {@code port}) when the listener's {@code allowedRoutes} let its namespace
 *       and kind in and their hostnames intersect ({@link ListenerHostnames}); the route then
 *       claims each intersected host. Otherwise its parent status says {@code
 *       NotAllowedByListeners}, {@code NoMatchingListenerHostname} or {@code NoMatchingParent}.
 *   <li>Parents that are not Turnout's Gateways get no status from Turnout.
 * </ul>
 *
 * <p>Not thread-safe; used by the reconciler thread only.
 */
final class GatewayApiTranslator {
  private static final List<RouteGroupKind> HTTP_ROUTE_KIND =
      List.of(
          new RouteGroupKindBuilder()
              .withGroup(GatewayApi.GROUP)
              .withKind(GatewayApi.HTTP_ROUTE)
              .build());

  /** What one pass gives. */
  record Result(
      List<SourcedRoutes> routes,
      Map<String, GatewayClassStatus> classes,
      Map<String, GatewayStatus> gateways,
      Map<String, List<ParentDraft>> routeParents,
      Map<String, HTTPRoute> routeObjects) {}

  /** One parentRef's verdict, before refusals from host ownership are known. */
  record ParentDraft(
      ParentReference ref,
      boolean accepted,
      String reason,
      String message,
      RouteRules.Problem resolvedRefs) {}

  private final ClusterView view;
  private final RetiredBackends retired;
  private final String gatewayServiceKey;

  /**
   * @param gatewayServiceKey {@code namespace/name} of the gateways' Service whose addresses every
   *     Gateway reports ({@code --gateway-service}), or null
   */
  GatewayApiTranslator(ClusterView view, RetiredBackends retired, String gatewayServiceKey) {
    this.view = view;
    this.retired = retired;
    this.gatewayServiceKey = gatewayServiceKey;
  }

  Result translate(GatewayApiObjects objects, String now) {
    Map<String, GatewayClassStatus> classStatus = new LinkedHashMap<>();
    for (GatewayClass c : objects.classes()) {
      if (c.getSpec() != null
          && GatewayApi.CONTROLLER_NAME.equals(c.getSpec().getControllerName())) {
        List<Condition> before = c.getStatus() == null ? null : c.getStatus().getConditions();
        classStatus.put(
            c.getMetadata().getName(),
            new GatewayClassStatusBuilder()
                .withConditions(
                    Conditions.of(
                        "Accepted",
                        true,
                        "Accepted",
                        "served by the Turnout gateways",
                        c.getMetadata().getGeneration(),
                        before,
                        now))
                .build());
      }
    }
    Map<String, Gateway> gateways = new HashMap<>();
    for (Gateway g : objects.gateways()) {
      if (g.getSpec() != null && classStatus.containsKey(g.getSpec().getGatewayClassName())) {
        gateways.put(keyOf(g.getMetadata().getNamespace(), g.getMetadata().getName()), g);
      }
    }
    Map<String, Integer> attached = new HashMap<>(); // gateway key + " " + listener name
    ReferenceGrants grants = new ReferenceGrants(objects.grants());
    RouteRules rules = new RouteRules(view, grants, retired);
    List<SourcedRoutes> out = new ArrayList<>();
    Map<String, List<ParentDraft>> parents = new LinkedHashMap<>();
    Map<String, HTTPRoute> routeObjects = new LinkedHashMap<>();
    for (HTTPRoute route : objects.routes()) {
      String ns = route.getMetadata().getNamespace();
      String key = keyOf(ns, route.getMetadata().getName());
      List<ParentDraft> drafts = new ArrayList<>();
      TreeSet<String> hosts = new TreeSet<>();
      List<String> hostnames = route.getSpec() == null ? null : route.getSpec().getHostnames();
      List<ParentReference> refs =
          route.getSpec() == null || route.getSpec().getParentRefs() == null
              ? List.of()
              : route.getSpec().getParentRefs();
      RouteRules.Result translated = null;
      for (ParentReference ref : refs) {
        if (!GatewayApi.isGatewayGroup(ref.getGroup())
            || !(ref.getKind() == null || GatewayApi.GATEWAY.equals(ref.getKind()))) {
          continue;
        }
        String gwNs = ref.getNamespace() == null ? ns : ref.getNamespace();
        String gwKey = keyOf(gwNs, ref.getName());
        Gateway gw = gateways.get(gwKey);
        if (gw == null) {
          continue; // not ours to report on
        }
        if (translated == null) {
          translated = rules.translate(route);
        }
        boolean anyListener = false;
        boolean anyAllowed = false;
        boolean anyAttached = false;
        for (Listener l : listeners(gw)) {
          if (ref.getSectionName() != null && !ref.getSectionName().equals(l.getName())) {
            continue;
          }
          if (ref.getPort() != null && !ref.getPort().equals(l.getPort())) {
            continue;
          }
          anyListener = true;
          if (!supported(l)
              || !kindsAllow(l)
              || !namespacesAllow(l, gwNs, ns, objects.namespaceLabels())) {
            continue;
          }
          anyAllowed = true;
          List<String> meet = ListenerHostnames.intersect(l.getHostname(), hostnames);
          if (meet.isEmpty()) {
            continue;
          }
          anyAttached = true;
          hosts.addAll(meet);
          attached.merge(gwKey + " " + l.getName(), 1, Integer::sum);
        }
        ParentDraft draft;
        if (!anyListener) {
          draft =
              new ParentDraft(
                  ref,
                  false,
                  "NoMatchingParent",
                  "no listener of Gateway " + gwKey + " matches sectionName/port",
                  translated.resolvedRefs());
        } else if (!anyAllowed) {
          draft =
              new ParentDraft(
                  ref,
                  false,
                  "NotAllowedByListeners",
                  "no listener of Gateway " + gwKey + " allows HTTPRoutes from namespace " + ns,
                  translated.resolvedRefs());
        } else if (!anyAttached) {
          draft =
              new ParentDraft(
                  ref,
                  false,
                  "NoMatchingListenerHostname",
                  "no hostname of the route intersects a listener hostname of Gateway " + gwKey,
                  translated.resolvedRefs());
        } else if (translated.unsupported() != null) {
          draft =
              new ParentDraft(
                  ref,
                  false,
                  "UnsupportedValue",
                  translated.unsupported(),
                  translated.resolvedRefs());
        } else {
          draft = new ParentDraft(ref, true, "Accepted", "", translated.resolvedRefs());
        }
        drafts.add(draft);
      }
      if (drafts.isEmpty()) {
        if (hasOurParents(route)) {
          // Detached from all of Turnout's Gateways: take our entries out of its status.
          parents.put(key, List.of());
          routeObjects.put(key, route);
        }
        continue;
      }
      parents.put(key, drafts);
      routeObjects.put(key, route);
      if (translated.unsupported() == null && !translated.routes().isEmpty()) {
        HostOwnership.ObjectRef object =
            new HostOwnership.ObjectRef(GatewayApi.HTTP_ROUTE, ns, route.getMetadata().getName());
        Instant created = createdAt(route.getMetadata().getCreationTimestamp());
        for (String host : hosts) {
          out.add(
              new SourcedRoutes(
                  new HostOwnership.Claim(host, created, object), translated.routes()));
        }
      }
    }
    Map<String, GatewayStatus> gatewayStatus = new LinkedHashMap<>();
    List<GatewayStatusAddress> addresses = addresses();
    for (Map.Entry<String, Gateway> e : gateways.entrySet()) {
      gatewayStatus.put(
          e.getKey(), gatewayStatus(e.getKey(), e.getValue(), attached, addresses, now));
    }
    return new Result(List.copyOf(out), classStatus, gatewayStatus, parents, routeObjects);
  }

  /** The parents' status of a route, with {@code refusal} (host ownership) when it was refused. */
  static List<RouteParentStatus> routeParents(
      HTTPRoute route, List<ParentDraft> drafts, String refusal, String now) {
    Long generation = route.getMetadata().getGeneration();
    List<RouteParentStatus> out = new ArrayList<>();
    for (ParentDraft d : drafts) {
      List<Condition> before = null;
      if (route.getStatus() != null && route.getStatus().getParents() != null) {
        for (RouteParentStatus p : route.getStatus().getParents()) {
          if (GatewayApi.CONTROLLER_NAME.equals(p.getControllerName())
              && Objects.equals(p.getParentRef(), d.ref())) {
            before = p.getConditions();
          }
        }
      }
      boolean accepted = d.accepted() && refusal == null;
      String reason = d.accepted() && refusal != null ? "HostConflict" : d.reason();
      String message = d.accepted() && refusal != null ? refusal : d.message();
      RouteRules.Problem refs = d.resolvedRefs();
      out.add(
          new RouteParentStatusBuilder()
              .withParentRef(d.ref())
              .withControllerName(GatewayApi.CONTROLLER_NAME)
              .withConditions(
                  Conditions.of("Accepted", accepted, reason, message, generation, before, now),
                  Conditions.of(
                      "ResolvedRefs",
                      refs == null,
                      refs == null ? "ResolvedRefs" : refs.reason(),
                      refs == null ? "" : refs.message(),
                      generation,
                      before,
                      now))
              .build());
    }
    return out;
  }

  private static boolean hasOurParents(HTTPRoute route) {
    if (route.getStatus() == null || route.getStatus().getParents() == null) {
      return false;
    }
    for (RouteParentStatus p : route.getStatus().getParents()) {
      if (GatewayApi.CONTROLLER_NAME.equals(p.getControllerName())) {
        return true;
      }
    }
    return false;
  }

  private GatewayStatus gatewayStatus(
      String key,
      Gateway gw,
      Map<String, Integer> attached,
      List<GatewayStatusAddress> addresses,
      String now) {
    Long generation = gw.getMetadata().getGeneration();
    Map<String, List<Condition>> beforeListeners = new HashMap<>();
    List<Condition> before = null;
    if (gw.getStatus() != null) {
      before = gw.getStatus().getConditions();
      if (gw.getStatus().getListeners() != null) {
        for (ListenerStatus ls : gw.getStatus().getListeners()) {
          beforeListeners.put(ls.getName(), ls.getConditions());
        }
      }
    }
    List<ListenerStatus> listeners = new ArrayList<>();
    boolean anyValid = false;
    for (Listener l : listeners(gw)) {
      List<Condition> lb = beforeListeners.get(l.getName());
      boolean protocol = supported(l);
      List<RouteGroupKind> kinds = supportedKinds(l);
      boolean kindsOk = kindsValid(l);
      anyValid |= protocol;
      listeners.add(
          new ListenerStatusBuilder()
              .withName(l.getName())
              .withAttachedRoutes(attached.getOrDefault(key + " " + l.getName(), 0))
              .withSupportedKinds(kinds)
              .withConditions(
                  Conditions.of(
                      "Accepted",
                      protocol,
                      protocol ? "Accepted" : "UnsupportedProtocol",
                      protocol ? "" : "protocol " + l.getProtocol() + " is not supported; use HTTP",
                      generation,
                      lb,
                      now),
                  Conditions.of(
                      "Programmed",
                      protocol,
                      protocol ? "Programmed" : "Invalid",
                      "",
                      generation,
                      lb,
                      now),
                  Conditions.of(
                      "ResolvedRefs",
                      kindsOk,
                      kindsOk ? "ResolvedRefs" : "InvalidRouteKinds",
                      kindsOk ? "" : "only HTTPRoute (" + GatewayApi.GROUP + ") is supported",
                      generation,
                      lb,
                      now))
              .build());
    }
    return new GatewayStatusBuilder()
        .withAddresses(addresses)
        .withConditions(
            Conditions.of(
                "Accepted",
                anyValid,
                anyValid ? "Accepted" : "ListenersNotValid",
                anyValid ? "" : "no listener is valid",
                generation,
                before,
                now),
            Conditions.of(
                "Programmed",
                anyValid,
                anyValid ? "Programmed" : "Invalid",
                anyValid ? "served by the Turnout gateways" : "no listener is valid",
                generation,
                before,
                now))
        .withListeners(listeners)
        .build();
  }

  /** The gateways' Service addresses: its load balancer's ingress, else its cluster IP. */
  private List<GatewayStatusAddress> addresses() {
    if (gatewayServiceKey == null) {
      return List.of();
    }
    Service s = view.service(gatewayServiceKey);
    if (s == null) {
      return List.of();
    }
    List<GatewayStatusAddress> out = new ArrayList<>();
    if (s.getStatus() != null
        && s.getStatus().getLoadBalancer() != null
        && s.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : s.getStatus().getLoadBalancer().getIngress()) {
        if (i.getIp() != null && !i.getIp().isEmpty()) {
          out.add(address("IPAddress", i.getIp()));
        } else if (i.getHostname() != null && !i.getHostname().isEmpty()) {
          out.add(address("Hostname", i.getHostname()));
        }
      }
    }
    if (out.isEmpty()
        && s.getSpec() != null
        && s.getSpec().getClusterIP() != null
        && !s.getSpec().getClusterIP().isEmpty()
        && !"None".equals(s.getSpec().getClusterIP())) {
      out.add(address("IPAddress", s.getSpec().getClusterIP()));
    }
    return out;
  }

  private static GatewayStatusAddress address(String type, String value) {
    return new GatewayStatusAddressBuilder().withType(type).withValue(value).build();
  }

  private static List<Listener> listeners(Gateway gw) {
    return gw.getSpec().getListeners() == null ? List.of() : gw.getSpec().getListeners();
  }

  private static boolean supported(Listener l) {
    return "HTTP".equals(l.getProtocol());
  }

  private static boolean kindsAllow(Listener l) {
    return !supportedKinds(l).isEmpty();
  }

  private static boolean kindsValid(Listener l) {
    if (l.getAllowedRoutes() == null || l.getAllowedRoutes().getKinds() == null) {
      return true;
    }
    for (RouteGroupKind k : l.getAllowedRoutes().getKinds()) {
      if (!isHttpRoute(k)) {
        return false;
      }
    }
    return true;
  }

  private static List<RouteGroupKind> supportedKinds(Listener l) {
    if (l.getAllowedRoutes() == null
        || l.getAllowedRoutes().getKinds() == null
        || l.getAllowedRoutes().getKinds().isEmpty()) {
      return HTTP_ROUTE_KIND;
    }
    for (RouteGroupKind k : l.getAllowedRoutes().getKinds()) {
      if (isHttpRoute(k)) {
        return HTTP_ROUTE_KIND;
      }
    }
    return List.of();
  }

  private static boolean isHttpRoute(RouteGroupKind k) {
    return GatewayApi.isGatewayGroup(k.getGroup()) && GatewayApi.HTTP_ROUTE.equals(k.getKind());
  }

  private static boolean namespacesAllow(
      Listener l, String gwNs, String routeNs, Map<String, Map<String, String>> labels) {
    String from =
        l.getAllowedRoutes() == null
                || l.getAllowedRoutes().getNamespaces() == null
                || l.getAllowedRoutes().getNamespaces().getFrom() == null
            ? "Same"
            : l.getAllowedRoutes().getNamespaces().getFrom();
    return switch (from) {
      case "All" -> true;
      case "Same" -> gwNs.equals(routeNs);
      case "Selector" ->
          selects(
              l.getAllowedRoutes().getNamespaces().getSelector(),
              labels.getOrDefault(routeNs, Map.of()));
      default -> false;
    };
  }

  /** Kubernetes label selector semantics; a missing selector selects nothing. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
        String v = labels.get(r.getKey());
        List<String> values = r.getValues() == null ? List.of() : r.getValues();
        boolean ok =
            switch (r.getOperator()) {
              case "In" -> v != null && values.contains(v);
              case "NotIn" -> v == null || !values.contains(v);
              case "Exists" -> v != null;
              case "DoesNotExist" -> v == null;
              default -> false;
            };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  static String keyOf(String namespace, String name) {
    return namespace + "/" + name;
  }

  private static Instant createdAt(String text) {
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
