package io.turnout.controller.ingress;

/**
 * Whether the controller reads Ingresses, and where their status address comes from.
 *
 * @param enabled watch IngressClasses and Ingresses ({@code --ingress}); off by default, because
 *     without RBAC on them the informers never sync and the controller would wait for them
 * @param gatewayService {@code namespace/name} of the gateways' Service ({@code
 *     --gateway-service}); its LoadBalancer address is written to {@code status.loadBalancer} of
 *     Turnout's Ingresses; null: no status is written
 */
public record IngressSettings(boolean enabled, String gatewayService) {
  public IngressSettings {
    if (gatewayService != null && gatewayService.isBlank()) {
      gatewayService = null;
    }
    if (gatewayService != null && gatewayService.split("/", -1).length != 2) {
      throw new IllegalArgumentException(
          "--gateway-service: '" + gatewayService + "' must be NAMESPACE/NAME");
    }
  }

  public static IngressSettings disabled() {
    return new IngressSettings(false, null);
  }
}
