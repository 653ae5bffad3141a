package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Replica counts and the drain timing follow values that are not in any ci file. */
class GatewayScalingTest {

  @Test
  void hpaTakesMinimumMaximumAndCpuTargetFromValues() {
    Rendered r =
        TurnoutChart.render(
            Map.of(
                "gateway.autoscaling.minReplicas", 7,
                "gateway.autoscaling.maxReplicas", 13,
                "gateway.autoscaling.targetCPUUtilizationPercentage", 45));

    var spec = r.one(HorizontalPodAutoscaler.class, "gateway").getSpec();
    assertEquals(7, spec.getMinReplicas());
    assertEquals(13, spec.getMaxReplicas());
    assertEquals(45, spec.getMetrics().get(0).getResource().getTarget().getAverageUtilization());
    assertNull(r.one(Deployment.class, "gateway").getSpec().getReplicas());
  }

  @Test
  void gracePeriodGrowsWithTheGatewayShutdownSettings() {
    Rendered r =
        TurnoutChart.render(
            Map.of(
                "gateway.preStopSleepSeconds", 3,
                "gateway.config.shutdown.drainDelay", "1500ms",
                "gateway.config.shutdown.timeout", "2m"));

    // 3s + 1.5s (rounded up to 2s) + 120s, plus 10s for the JVM to exit.
    assertEquals(
        135L,
        r.one(Deployment.class, "gateway")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getTerminationGracePeriodSeconds());
  }
}
