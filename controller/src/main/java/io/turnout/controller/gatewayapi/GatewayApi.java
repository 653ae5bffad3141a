package io.turnout.controller.gatewayapi;

/** Names of the Gateway API that Turnout reads and writes (docs/REFERENCE.md, Gateway API). */
public final class GatewayApi {
  /** The API group of every kind here. */
  public static final String GROUP = "gateway.networking.k8s.io";

  /** The {@code spec.controllerName} of a GatewayClass whose Gateways Turnout serves. */
  public static final String CONTROLLER_NAME = "turnout.io/gateway-controller";

  public static final String GATEWAY = "Gateway";
  public static final String HTTP_ROUTE = "HTTPRoute";
  public static final String SERVICE = "Service";

  private GatewayApi() {}

  /** True for {@code group} as the API writes the core group: absent or empty. */
  static boolean isCore(String group) {
    return group == null || group.isEmpty();
  }

  /** True for {@code group} naming the Gateway API group (absent defaults to it in refs). */
  static boolean isGatewayGroup(String group) {
    return group == null || group.equals(GROUP);
  }
}
