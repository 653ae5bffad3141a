package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the gateway from the chart: the Secrets are mounted as plain secret volumes (so the
 * kubelet's updates reach the gateway, which reloads them), the config names the mounted files
 * (default and SNI certificates) and passes the gateway's own validation, and the LoadBalancer
 * Service exposes 443.
 */
class GatewayTlsChartTest {
  private static final Map<String, Object> TLS =
      Map.of(
          "gateway.tls.enabled", true,
          "gateway.tls.secretName", "shop-default-tls",
          "gateway.tls.sniCertificates[0].hosts[0]", "*.example.com",
          "gateway.tls.sniCertificates[0].secretName", "example-wildcard-tls",
          "gateway.config.http2.maxConcurrentStreams", 64);

  private static Service clientService(Rendered r) {
    return r.gatewayServices().stream()
        .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void tlsSecretsAreMountedNamedInTheConfigAndServedOn443(@TempDir Path dir) throws Exception {
    Rendered r = TurnoutChart.render(TLS);

    List<ServicePort> ports = clientService(r).getSpec().getPorts();
    ServicePort https =
        ports.stream().filter(p -> "https".equals(p.getName())).findFirst().orElseThrow();
    assertEquals(443, https.getPort());
    assertEquals("https", https.getTargetPort().getStrVal());

    Container gateway = r.gatewayContainer();
    assertTrue(
        gateway.getPorts().stream()
            .anyMatch(p -> "https".equals(p.getName()) && p.getContainerPort() == 8443));
    List<Volume> volumes = r.gatewayDeployment().getSpec().getTemplate().getSpec().getVolumes();
    assertEquals(
        "shop-default-tls",
        volumes.stream()
            .filter(v -> v.getName().equals("tls-default"))
            .findFirst()
            .orElseThrow()
            .getSecret()
            .getSecretName());
    assertEquals(
        "example-wildcard-tls",
        volumes.stream()
            .filter(v -> v.getName().equals("tls-sni-0"))
            .findFirst()
            .orElseThrow()
            .getSecret()
            .getSecretName());
    for (VolumeMount m : gateway.getVolumeMounts()) {
      if (m.getName().startsWith("tls-")) {
        assertEquals(null, m.getSubPath(), "a subPath mount never sees Secret updates");
      }
    }

    String text = r.gatewayConfigMap().getData().get("turnout.yaml");
    assertTrue(text.contains("/etc/turnout-tls/default/tls.crt"), text);
    assertTrue(text.contains("/etc/turnout-tls/sni-0/tls.key"), text);
    // The gateway's own validation, with local stand-ins for the mounted files.
    Path file = Files.writeString(dir.resolve("stand-in"), "x");
    String local =
        text.replaceAll("/etc/turnout-tls/[a-z0-9-]+/tls\\.(crt|key)", file.toString())
            .replaceAll("secretFile: .*", "secretFile: " + file);
    GatewayConfig config = ConfigFile.parse(local);
    assertEquals(8443, config.listen().https());
    assertEquals(List.of("*.example.com"), config.tls().certificates().get(0).hosts());
    assertEquals(64, config.http2().maxConcurrentStreams());
  }

  @Test
  void withoutTlsNothingChanges() {
    Rendered r = TurnoutChart.render(Map.of());
    assertFalse(
        clientService(r).getSpec().getPorts().stream().anyMatch(p -> "https".equals(p.getName())));
    assertFalse(r.gatewayConfigMap().getData().get("turnout.yaml").contains("tls:"));
  }
}
