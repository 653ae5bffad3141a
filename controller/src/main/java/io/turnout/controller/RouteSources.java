package io.turnout.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.gatewayapi.GatewayApiSource;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.RouteSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RouteSource}s this cluster has besides Service annotations: the Gateway API when its
 * CRDs are installed (Ingress joins here). Stateless; called once by the wiring thread.
 */
final class RouteSources {
  private RouteSources() {}

  static List<RouteSource> detect(
      KubernetesClient client, ClusterView view, Controller.Settings settings) {
    List<RouteSource> out = new ArrayList<>();
    GatewayApiSource gatewayApi =
        GatewayApiSource.createIfInstalled(
            client, view, settings.namespaces(), settings.gatewayService());
    if (gatewayApi != null) {
      out.add(gatewayApi);
    }
    return List.copyOf(out);
  }
}
