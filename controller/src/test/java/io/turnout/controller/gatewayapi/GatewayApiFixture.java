package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.turnout.controller.FakeCluster;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Gateway API objects for tests: the CRDs in a {@link FakeCluster}, Turnout's GatewayClass, and
 * builders for Gateways, listeners, HTTPRoutes and their status.
 */
final class GatewayApiFixture {

  /**
   * Edits an HTTPRoute as {@code kubectl edit} does: a GET, the change, a PUT. The controller
   * writes the route's status meanwhile, so a 409 Conflict is retried with a fresh GET.
   */
  static void editRoute(
      KubernetesClient client, String namespace, String name, Consumer<HTTPRoute> change) {
    for (int attempt = 1; ; attempt++) {
      HTTPRoute r = client.resources(HTTPRoute.class).inNamespace(namespace).withName(name).get();
      change.accept(r);
      try {
        client.resource(r).update();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  static final String CLASS = "turnout";

  private GatewayApiFixture() {}

  /** Creates the (trimmed) Gateway API CRDs; the mock serves the kinds from then on. */
  static void installCrds(KubernetesClient client) throws Exception {
    try (InputStream in = GatewayApiFixture.class.getResourceAsStream("/gateway-api-crds.yaml")) {
      for (HasMetadata o : client.load(in).items()) {
        client.resource((CustomResourceDefinition) o).create();
      }
    }
  }

  static GatewayClass gatewayClass(KubernetesClient client, String name, String controller) {
    return client
        .resource(
            new GatewayClassBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withControllerName(controller)
                .endSpec()
                .build())
        .create();
  }

  static Gateway gateway(KubernetesClient client, String ns, String name, Listener... listeners) {
    return client
        .resource(
            new GatewayBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withGatewayClassName(CLASS)
                .withListeners(listeners)
                .endSpec()
                .build())
        .create();
  }

  /** An HTTP listener on port 80; {@code from} is Same, All or Selector (then {@code labels}). */
  static Listener listener(String name, String hostname, String from, Map<String, String> labels) {
    ListenerBuilder b =
        new ListenerBuilder()
            .withName(name)
            .withHostname(hostname)
            .withPort(80)
            .withProtocol("HTTP")
            .withNewAllowedRoutes()
            .withNewNamespaces()
            .withFrom(from)
            .endNamespaces()
            .endAllowedRoutes();
    if (labels != null) {
      b.editAllowedRoutes()
          .editNamespaces()
          .withNewSelector()
          .withMatchLabels(labels)
          .endSelector()
          .endNamespaces()
          .endAllowedRoutes();
    }
    return b.build();
  }

  static HTTPBackendRef backend(String ns, String name, int port, Integer weight) {
    return new HTTPBackendRefBuilder()
        .withNamespace(ns)
        .withName(name)
        .withPort(port)
        .withWeight(weight)
        .build();
  }

  static HTTPRouteRule rule(String pathPrefix, HTTPBackendRef... backends) {
    HTTPRouteRuleBuilder b = new HTTPRouteRuleBuilder().withBackendRefs(backends);
    if (pathPrefix != null) {
      b.addNewMatch()
          .withNewPath()
          .withType("PathPrefix")
          .withValue(pathPrefix)
          .endPath()
          .endMatch();
    }
    return b.build();
  }

  /** An HTTPRoute with parent Gateway {@code gwNs/gw} (optionally one listener). */
  static HTTPRoute route(
      String ns,
      String name,
      String gwNs,
      String gw,
      String sectionName,
      List<String> hostnames,
      HTTPRouteRule... rules) {
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withNamespace(gwNs)
        .withName(gw)
        .withSectionName(sectionName)
        .endParentRef()
        .withHostnames(hostnames)
        .withRules(rules)
        .endSpec()
        .build();
  }

  /** Turnout's parent entry of a route's status for Gateway {@code gw}, or null. */
  static RouteParentStatus parent(KubernetesClient client, String ns, String name, String gw) {
    HTTPRoute r = client.resources(HTTPRoute.class).inNamespace(ns).withName(name).get();
    if (r == null || r.getStatus() == null || r.getStatus().getParents() == null) {
      return null;
    }
    for (RouteParentStatus p : r.getStatus().getParents()) {
      if (GatewayApi.CONTROLLER_NAME.equals(p.getControllerName())
          && gw.equals(p.getParentRef().getName())) {
        return p;
      }
    }
    return null;
  }

  /** "Type=Status/Reason" of a condition, or null when absent. */
  static String condition(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    for (Condition c : conditions) {
      if (type.equals(c.getType())) {
        return c.getType() + "=" + c.getStatus() + "/" + c.getReason();
      }
    }
    return null;
  }

  /** The snapshot as "host path[type] version=weight(mirror%)..." lines, for compact assertions. */
  static List<String> lines(Snapshot s) {
    List<String> out = new ArrayList<>();
    if (s == null) {
      return out;
    }
    for (HostSpec h : s.hosts()) {
      for (RouteSpec r : h.routes()) {
        StringBuilder b = new StringBuilder(h.host()).append(' ').append(r.path());
        if (r.exactPath()) {
          b.append("[Exact]");
        }
        for (VersionSpec v : r.versions()) {
          b.append(' ').append(v.name()).append('=').append(v.weight());
          if (v.mirror() > 0) {
            b.append("(mirror ").append(v.mirror()).append(')');
          }
          if (v.endpoints().isEmpty()) {
            b.append("(no endpoints)");
          }
        }
        out.add(b.toString());
      }
    }
    return out;
  }
}
