package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json and the chart's own checks turn mistakes into install errors. */
class ValuesSchemaTest {

  @Test
  void correctlySpelledKeyIsAccepted() {
    Rendered r =
        TurnoutChart.render(
            Map.of("gateway.autoscaling.enabled", false, "gateway.replicaCount", 7));

    assertEquals(7, r.one(Deployment.class, "gateway").getSpec().getReplicas());
  }

  @ParameterizedTest
  @CsvSource({
    "gateway.replicaCont, 3, replicaCont",
    "gateway.config.limits.maxConection, 5, maxConection",
    "gateway.service.externalTraficPolicy, Local, externalTraficPolicy",
    "controller.rbac.namespace, true, namespace",
    "serviceMonitr.enabled, true, serviceMonitr",
  })
  void misspelledKeyIsRejected(String key, String value, String misspelled) {
    Exception e = assertThrows(Exception.class, () -> TurnoutChart.render(Map.of(key, value)));

    assertTrue(
        e.getMessage().contains("additional properties '" + misspelled + "' not allowed"),
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
    "gateway.config.shutdown.drainDelay, 5 seconds",
    "gateway.config.affinity.repin, sometimes",
    "gateway.service.type, Ingress",
    "gateway.config.listen.admin, 70000",
    "gateway.image.digest, latest",
    "gateway.config.upstream.readTimeout, -1s",
    "gateway.config.limits.tunnelIdleTimeout, forever",
  })
  void invalidValueIsRejected(String key, String value) {
    Exception e = assertThrows(Exception.class, () -> TurnoutChart.render(Map.of(key, value)));

    assertTrue(e.getMessage().contains("schema"), e.getMessage());
  }

  @Test
  void gracePeriodShorterThanTheGatewayShutdownIsRejected() {
    // 5s preStop + 5s drainDelay + 30s timeout = 40s are needed.
    Exception e =
        assertThrows(
            Exception.class,
            () -> TurnoutChart.render(Map.of("gateway.terminationGracePeriodSeconds", 39)));

    assertTrue(e.getMessage().contains("terminationGracePeriodSeconds"), e.getMessage());
  }

  @Test
  void gracePeriodGivenLongEnoughIsUsed() {
    Rendered r = TurnoutChart.render(Map.of("gateway.terminationGracePeriodSeconds", 40));

    assertEquals(
        40L,
        r.one(Deployment.class, "gateway")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getTerminationGracePeriodSeconds());
  }

  @Test
  void autoscalingMinimumAboveMaximumIsRejected() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                TurnoutChart.render(
                    Map.of(
                        "gateway.autoscaling.minReplicas", 12,
                        "gateway.autoscaling.maxReplicas", 10)));

    assertTrue(e.getMessage().contains("minReplicas"), e.getMessage());
  }
}
