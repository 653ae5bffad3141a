package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code controller.ingress}: the controller routes Ingresses of the chart's IngressClass with the
 * rights it needs, and writes their status from the gateway Service.
 */
class IngressChartTest {
  private static List<String> verbsOn(List<PolicyRule> rules, String resource) {
    return rules.stream()
        .filter(r -> r.getResources().contains(resource))
        .flatMap(r -> r.getVerbs().stream())
        .toList();
  }

  @Test
  void byDefaultTheControllerRoutesIngressesOfTheChartsClassAndWritesTheirStatus() {
    Rendered r = TurnoutChart.render(Map.of());
    List<String> args = r.controllerContainer().getArgs();
    assertTrue(args.contains("--ingress"), args.toString());
    int i = args.indexOf("--gateway-service");
    assertEquals("edge/turnout-gateway", args.get(i + 1));
    assertTrue(
        r.gatewayServices().stream()
            .anyMatch(s -> s.getMetadata().getName().equals("turnout-gateway")));

    IngressClass c = r.all(IngressClass.class).get(0);
    assertEquals("turnout", c.getMetadata().getName());
    assertEquals("turnout.io/gateway-controller", c.getSpec().getController());
    assertTrue(
        c.getMetadata().getAnnotations() == null
            || !c.getMetadata()
                .getAnnotations()
                .containsKey("ingressclass.kubernetes.io/is-default-class"),
        "not the default class unless asked");

    List<PolicyRule> rules = r.all(ClusterRole.class).get(0).getRules();
    assertEquals(List.of("get", "list", "watch"), verbsOn(rules, "ingresses"));
    assertEquals(List.of("get", "list", "watch"), verbsOn(rules, "ingressclasses"));
    assertEquals(List.of("update", "patch"), verbsOn(rules, "ingresses/status"));
  }

  @Test
  void theClassCanBeTheDefaultAndIngressesCanBeTurnedOff() {
    IngressClass c =
        TurnoutChart.render(Map.of("controller.ingress.ingressClass.default", true))
            .all(IngressClass.class)
            .get(0);
    assertEquals(
        "true",
        c.getMetadata().getAnnotations().get("ingressclass.kubernetes.io/is-default-class"));

    Rendered off = TurnoutChart.render(Map.of("controller.ingress.enabled", false));
    assertFalse(off.controllerContainer().getArgs().contains("--ingress"));
    assertTrue(off.all(IngressClass.class).isEmpty());
    assertTrue(verbsOn(off.all(ClusterRole.class).get(0).getRules(), "ingresses").isEmpty());
  }

  @Test
  void namespacedRbacReadsIngressesInItsNamespacesAndClassesThroughOneClusterRole() {
    Rendered r = TurnoutChart.render(Map.of("controller.rbac.namespaced", true));
    Role role = r.all(Role.class).get(0);
    assertEquals(List.of("update", "patch"), verbsOn(role.getRules(), "ingresses/status"));
    List<ClusterRole> cluster = r.all(ClusterRole.class);
    assertEquals(1, cluster.size());
    assertEquals(
        List.of("get", "list", "watch"), verbsOn(cluster.get(0).getRules(), "ingressclasses"));
    assertTrue(verbsOn(cluster.get(0).getRules(), "ingresses").isEmpty());
  }
}
