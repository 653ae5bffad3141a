package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ReferenceGrantTo;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import java.util.List;

/**
 * Whether an HTTPRoute may use a Service in another namespace: only when a ReferenceGrant in the
 * Service's namespace lets HTTPRoutes of the route's namespace refer to Services there (all of
 * them, or that one by name).
 *
 * <p>Immutable over the grants it was given.
 */
final class ReferenceGrants {
  private final List<ReferenceGrant> grants;

  ReferenceGrants(List<ReferenceGrant> grants) {
    this.grants = List.copyOf(grants);
  }

  boolean permits(String routeNamespace, String serviceNamespace, String serviceName) {
    if (routeNamespace.equals(serviceNamespace)) {
      return true;
    }
    for (ReferenceGrant g : grants) {
      if (!serviceNamespace.equals(g.getMetadata().getNamespace()) || g.getSpec() == null) {
        continue;
      }
      boolean from = false;
      for (ReferenceGrantFrom f : nonNull(g.getSpec().getFrom())) {
        from |=
            GatewayApi.GROUP.equals(f.getGroup())
                && GatewayApi.HTTP_ROUTE.equals(f.getKind())
                && routeNamespace.equals(f.getNamespace());
      }
      if (!from) {
        continue;
      }
      for (ReferenceGrantTo t : nonNull(g.getSpec().getTo())) {
        if (GatewayApi.isCore(t.getGroup())
            && GatewayApi.SERVICE.equals(t.getKind())
            && (t.getName() == null || t.getName().isEmpty() || t.getName().equals(serviceName))) {
          return true;
        }
      }
    }
    return false;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
