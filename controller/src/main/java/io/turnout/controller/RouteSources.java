package io.turnout.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.gatewayapi.GatewayApiSource;
import io.turnout.controller.ingress.IngressSource;
import io.turnout.controller.k8s.ClusterView;
import io.turnout.controller.k8s.RouteSource;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link RouteSource}s this controller reads besides Service annotations: the Gateway API when
 * its CRDs are installed, and Ingresses with {@code --ingress}. Stateless; called once by the
 * wiring thread.
 */
final class RouteSources {
  private RouteSources() {}

  static List<RouteSource> detect(
      KubernetesClient client, ClusterView view, Controller.Settings settings) {
    List<RouteSource> out = new ArrayList<>();
    if (settings.ingress()) {
      out.add(IngressSource.create(client, view, settings.namespaces(), settings.gatewayService()));
    }
    GatewayApiSource gatewayApi =
        GatewayApiSource.createIfInstalled(
            client, view, settings.namespaces(), settings.gatewayService());
    if (gatewayApi != null) {
      out.add(gatewayApi);
    }
    return List.copyOf(out);
  }
}
