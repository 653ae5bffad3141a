package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API objects one pass translates, as read from the informer caches.
 *
 * @param namespaceLabels labels of every namespace, for {@code allowedRoutes} selectors
 */
record GatewayApiObjects(
    List<GatewayClass> classes,
    List<Gateway> gateways,
    List<HTTPRoute> routes,
    List<ReferenceGrant> grants,
    Map<String, Map<String, String>> namespaceLabels) {
  GatewayApiObjects {
    classes = List.copyOf(classes);
    gateways = List.copyOf(gateways);
    routes = List.copyOf(routes);
    grants = List.copyOf(grants);
    namespaceLabels = Map.copyOf(namespaceLabels);
  }
}
