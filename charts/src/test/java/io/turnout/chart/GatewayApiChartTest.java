package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code controller.gatewayApi}: the Gateway API rights in the ClusterRole, {@code
 * --gateway-service} naming the chart's gateway Service, and the optional GatewayClass.
 */
class GatewayApiChartTest {
  /** What the ClusterRole grants for the Gateway API, as "group/resource/verb". */
  static final Set<String> GRANTS =
      Set.of(
          "gateway.networking.k8s.io/gatewayclasses/get",
          "gateway.networking.k8s.io/gatewayclasses/list",
          "gateway.networking.k8s.io/gatewayclasses/watch",
          "gateway.networking.k8s.io/gateways/get",
          "gateway.networking.k8s.io/gateways/list",
          "gateway.networking.k8s.io/gateways/watch",
          "gateway.networking.k8s.io/httproutes/get",
          "gateway.networking.k8s.io/httproutes/list",
          "gateway.networking.k8s.io/httproutes/watch",
          "gateway.networking.k8s.io/referencegrants/get",
          "gateway.networking.k8s.io/referencegrants/list",
          "gateway.networking.k8s.io/referencegrants/watch",
          "gateway.networking.k8s.io/gatewayclasses/status/update",
          "gateway.networking.k8s.io/gatewayclasses/status/patch",
          "gateway.networking.k8s.io/gateways/status/update",
          "gateway.networking.k8s.io/gateways/status/patch",
          "gateway.networking.k8s.io/httproutes/status/update",
          "gateway.networking.k8s.io/httproutes/status/patch",
          "core/namespaces/get",
          "core/namespaces/list",
          "core/namespaces/watch",
          "apiextensions.k8s.io/customresourcedefinitions/get");

  @Test
  void byDefaultTheControllerMayReadTheGatewayApiAndNamesTheGatewayService() {
    Rendered r = TurnoutChart.render(Map.of());
    ClusterRole role = r.all(ClusterRole.class).get(0);
    assertTrue(ChartVariantsTest.grants(role.getRules()).containsAll(GRANTS));
    List<String> args = r.controllerContainer().getArgs();
    int i = args.indexOf("--gateway-service");
    assertTrue(i >= 0, args.toString());
    assertEquals(
        TurnoutChart.NAMESPACE + "/" + r.gatewayDeployment().getMetadata().getName(),
        args.get(i + 1));
    assertTrue(r.ofKind("GatewayClass").isEmpty(), "no GatewayClass unless asked");
  }

  @Test
  void turnedOffThereAreNoGatewayApiRights() {
    Rendered r = TurnoutChart.render(Map.of("controller.gatewayApi.enabled", false));
    Set<String> grants = ChartVariantsTest.grants(r.all(ClusterRole.class).get(0).getRules());
    for (String g : GRANTS) {
      assertFalse(grants.contains(g), g);
    }
    // --gateway-service stays: Ingress status needs it too. Without the rights above, the
    // controller cannot read the Gateway API's CRDs and serves no Gateway.
  }

  @Test
  void theOptionalGatewayClassNamesTurnoutsController() {
    Rendered r =
        TurnoutChart.render(
            Map.of(
                "controller.gatewayApi.gatewayClass.create",
                true,
                "controller.gatewayApi.gatewayClass.name",
                "edge"));
    List<GatewayClass> classes = r.all(GatewayClass.class);
    assertEquals(1, classes.size());
    GatewayClass c = classes.get(0);
    assertEquals("edge", c.getMetadata().getName());
    assertEquals("gateway.networking.k8s.io/v1", c.getApiVersion());
    assertEquals("turnout.io/gateway-controller", c.getSpec().getControllerName());
  }
}
