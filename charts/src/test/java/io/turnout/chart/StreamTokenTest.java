package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The snapshot stream's bearer token: one Secret, made once and kept, read by the controller and
 * every gateway through {@code --stream-token-file}; and the NetworkPolicy that lets only gateway
 * pods reach the controller.
 */
class StreamTokenTest {
  private final FakeKubernetesApi cluster = FakeKubernetesApi.start();

  @AfterEach
  void emptyCluster() {
    cluster.clear();
  }

  @Test
  void bothSidesReadTheSameGeneratedTokenFromOneSecret() {
    Rendered r = TurnoutChart.render(Map.of());
    Secret secret = r.named(Secret.class, "turnout-controller-stream-token");
    String token =
        new String(
            Base64.getDecoder().decode(secret.getData().get("stream-token")),
            StandardCharsets.UTF_8);
    assertEquals(64, token.length());

    List<String> controllerArgs = r.controllerContainer().getArgs();
    int c = controllerArgs.indexOf("--stream-token-file");
    assertEquals("/etc/turnout-stream/token", controllerArgs.get(c + 1));
    assertTrue(
        r.controllerDeployment().getSpec().getTemplate().getSpec().getVolumes().stream()
            .anyMatch(
                v ->
                    v.getSecret() != null
                        && v.getSecret().getSecretName().equals(secret.getMetadata().getName())));

    List<String> gatewayArgs = r.gatewayContainer().getArgs();
    int g = gatewayArgs.indexOf("--stream-token-file");
    assertEquals("/etc/turnout/secret/stream-token", gatewayArgs.get(g + 1));
    assertTrue(
        r.gatewayDeployment().getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getProjected() != null)
            .flatMap(v -> v.getProjected().getSources().stream())
            .anyMatch(
                s ->
                    s.getSecret() != null
                        && s.getSecret().getName().equals(secret.getMetadata().getName())
                        && s.getSecret()
                            .getItems()
                            .get(0)
                            .getPath()
                            .equals("secret/stream-token")));
    assertNotEquals(
        token,
        new String(
            Base64.getDecoder()
                .decode(
                    TurnoutChart.render(Map.of())
                        .named(Secret.class, "turnout-controller-stream-token")
                        .getData()
                        .get("stream-token")),
            StandardCharsets.UTF_8),
        "each fresh install gets its own token");
  }

  @Test
  void upgradeKeepsTheTokenAlreadyInTheCluster() {
    String encoded =
        Base64.getEncoder()
            .encodeToString("token-of-first-install".getBytes(StandardCharsets.UTF_8));
    cluster.putSecret(
        TurnoutChart.NAMESPACE, "turnout-controller-stream-token", Map.of("stream-token", encoded));
    Secret secret =
        TurnoutChart.render(Map.of()).named(Secret.class, "turnout-controller-stream-token");
    assertEquals(encoded, secret.getData().get("stream-token"));
  }

  @Test
  void withoutATokenNeitherSideGetsTheFlag() {
    Rendered r = TurnoutChart.render(Map.of("controller.streamToken.enabled", "false"));
    assertFalse(r.controllerContainer().getArgs().contains("--stream-token-file"));
    assertFalse(r.gatewayContainer().getArgs().contains("--stream-token-file"));
    assertTrue(
        r.all(Secret.class).stream()
            .noneMatch(s -> s.getMetadata().getName().endsWith("stream-token")));
  }

  @Test
  void onlyGatewayPodsMayReachTheControllerPort() {
    Rendered r = TurnoutChart.render(Map.of());
    NetworkPolicy np = r.one(NetworkPolicy.class, "controller");
    assertEquals(
        r.controllerDeployment().getSpec().getSelector().getMatchLabels(),
        np.getSpec().getPodSelector().getMatchLabels());
    var rule = np.getSpec().getIngress().get(0);
    assertEquals(1, rule.getFrom().size());
    assertEquals(
        r.gatewayDeployment().getSpec().getSelector().getMatchLabels(),
        rule.getFrom().get(0).getPodSelector().getMatchLabels());
    assertEquals(8090, rule.getPorts().get(0).getPort().getIntVal());

    Rendered off = TurnoutChart.render(Map.of("controller.networkPolicy.enabled", "false"));
    assertTrue(off.all(NetworkPolicy.class).isEmpty());
  }
}
