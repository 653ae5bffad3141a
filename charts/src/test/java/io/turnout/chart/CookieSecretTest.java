package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cookie HMAC key is made once and then kept: a new key on upgrade would void every client's
 * pin cookie and move users between versions mid-session.
 */
class CookieSecretTest {
  private final FakeKubernetesApi cluster = FakeKubernetesApi.start();

  @AfterEach
  void emptyCluster() {
    cluster.clear();
  }

  @Test
  void firstInstallGeneratesALongRandomKey() {
    String first = key(TurnoutChart.render(Map.of()));
    String second = key(TurnoutChart.render(Map.of()));

    assertEquals(64, first.length());
    assertNotEquals(first, second, "each fresh install gets its own key");
  }

  @Test
  void upgradeKeepsTheKeyAlreadyInTheCluster() {
    String encoded =
        Base64.getEncoder()
            .encodeToString("key-from-first-install".getBytes(StandardCharsets.UTF_8));
    cluster.putSecret(TurnoutChart.NAMESPACE, "turnout-gateway", Map.of("cookie-key", encoded));

    Rendered r = TurnoutChart.render(Map.of());

    assertEquals("key-from-first-install", key(r));
    assertTrue(
        cluster.requests().contains("GET /api/v1/namespaces/edge/secrets/turnout-gateway"),
        "the chart looked the Secret up in the release namespace");
  }

  @Test
  void existingSecretIsUsedAndNoKeyIsGenerated() {
    Rendered r =
        TurnoutChart.render(
            Map.of(
                "gateway.cookieSecret.existingSecret", "shop-cookie",
                "gateway.cookieSecret.key", "keys"));

    assertTrue(
        r.all(Secret.class).stream()
            .allMatch(s -> s.getMetadata().getName().endsWith("-stream-token")),
        "no cookie Secret is made (the stream token's is another matter)");
    var source =
        r.gatewayDeployment().getSpec().getTemplate().getSpec().getVolumes().stream()
            .filter(v -> v.getProjected() != null)
            .flatMap(v -> v.getProjected().getSources().stream())
            .filter(s -> s.getSecret() != null)
            .findFirst()
            .orElseThrow()
            .getSecret();
    assertEquals("shop-cookie", source.getName());
    assertEquals("keys", source.getItems().get(0).getKey());
  }

  private static String key(Rendered r) {
    Secret secret = r.one(Secret.class, "gateway");
    return new String(
        Base64.getDecoder().decode(secret.getData().get("cookie-key")), StandardCharsets.UTF_8);
  }
}
