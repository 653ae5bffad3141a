package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.metrics.GatewayMetrics;
import io.turnout.gateway.metrics.UpstreamErrorKind;
import io.turnout.gateway.routing.RoutingState;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The optional Grafana dashboard and PrometheusRule: off by default, rendered when enabled, and
 * every metric their PromQL names is one a real gateway's registry exports.
 */
class MonitoringTest {
  private static final Pattern METRIC = Pattern.compile("\\bturnout_[a-z0-9_]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Sample names a gateway exports once it has routed, missed an asset, and so on. */
  private static Set<String> exported;

  private static Rendered enabled;

  @BeforeAll
  static void scrapeARealGatewayRegistry() {
    GatewayMetrics metrics = new GatewayMetrics();
    RoutingState routing =
        new RoutingState(metrics, AffinitySettings.DEFAULTS, PreviewSettings.DEFAULTS);
    Snapshot snapshot =
        new Snapshot(
            1,
            List.of(
                new HostSpec(
                    "shop.test",
                    List.of(
                        new RouteSpec(
                            "/",
                            List.of(
                                new VersionSpec(
                                    "blue", 90, List.of(new EndpointSpec("10.0.0.1", 80))),
                                new VersionSpec(
                                    "green", 10, List.of(new EndpointSpec("10.0.0.2", 80)))))))));
    assertTrue(routing.offer(snapshot, "test"));
    assertFalse(routing.offer(new Snapshot(-1, List.of()), "test"), "counts a rejection");
    routing.controllerConnected(true);
    metrics.versionMeters("shop.test", "green").record(503, 1_000_000);
    metrics.versionMeters("shop.test", "green").upstreamError(UpstreamErrorKind.CONNECT);
    metrics.repinned("shop.test", "blue", "green");
    metrics.assets().miss("shop.test", "green");
    metrics.assets().fallback("shop.test", "green", "blue");
    exported = new TreeSet<>();
    for (String line : metrics.registry().scrape().split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        exported.add(line.split("[{ ]", 2)[0]);
      }
    }
    enabled =
        TurnoutChart.render(
            Map.of("grafana.dashboards.enabled", "true", "prometheusRule.enabled", "true"));
  }

  private static Set<String> metricsIn(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(promql);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static List<Map<?, ?>> rules(Rendered r) {
    HasMetadata rule = r.ofKind("PrometheusRule").get(0);
    Map<?, ?> spec =
        (Map<?, ?>) ((GenericKubernetesResource) rule).getAdditionalProperties().get("spec");
    List<Map<?, ?>> all = new ArrayList<>();
    for (Object group : (List<?>) spec.get("groups")) {
      for (Object rl : (List<?>) ((Map<?, ?>) group).get("rules")) {
        all.add((Map<?, ?>) rl);
      }
    }
    return all;
  }

  private static JsonNode dashboard(Rendered r) throws Exception {
    ConfigMap cm = r.named(ConfigMap.class, TurnoutChart.RELEASE + "-dashboard");
    return JSON.readTree(cm.getData().get("turnout.json"));
  }

  @Test
  void bothAreOffByDefault() {
    Rendered r = TurnoutChart.render(Map.of());
    assertTrue(r.ofKind("PrometheusRule").isEmpty());
    assertTrue(
        r.all(ConfigMap.class).stream()
            .noneMatch(cm -> cm.getMetadata().getLabels().containsKey("grafana_dashboard")));
  }

  @Test
  void theDashboardConfigMapCarriesTheSidecarLabel() throws Exception {
    ConfigMap cm = enabled.named(ConfigMap.class, TurnoutChart.RELEASE + "-dashboard");
    assertEquals("1", cm.getMetadata().getLabels().get("grafana_dashboard"));
    assertEquals(TurnoutChart.NAMESPACE, cm.getMetadata().getNamespace());
    JsonNode d = dashboard(enabled);
    assertEquals("turnout-overview", d.get("uid").asText());
    assertTrue(d.get("panels").size() >= 10);
  }

  @Test
  void theDashboardShowsWhatOperatorsWatchAndNothingTheGatewayDoesNotExport() throws Exception {
    Set<String> used = new TreeSet<>();
    for (JsonNode panel : dashboard(enabled).get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.get("expr").asText();
        Set<String> names = metricsIn(expr);
        assertFalse(names.isEmpty(), panel.get("title") + " queries no Turnout metric");
        used.addAll(names);
      }
    }
    assertTrue(
        exported.containsAll(used),
        "not exported by the gateway: " + difference(used, exported) + "; exported: " + exported);
    assertTrue(
        used.containsAll(
            List.of(
                "turnout_requests_total",
                "turnout_request_duration_seconds_bucket",
                "turnout_route_weight",
                "turnout_route_endpoints",
                "turnout_asset_misses_total",
                "turnout_asset_fallbacks_total",
                "turnout_snapshot_version",
                "turnout_snapshot_rejected_total")),
        "dashboard metrics: " + used);
  }

  @Test
  void theAlertsCoverTheFourFailuresAndNameOnlyExportedMetrics() {
    List<Map<?, ?>> rules = rules(enabled);
    assertEquals(
        List.of(
            "TurnoutVersionErrorRate",
            "TurnoutNoReadyEndpoints",
            "TurnoutSnapshotRejected",
            "TurnoutGatewayDisconnected"),
        rules.stream().map(r -> r.get("alert")).toList());
    Set<String> used = new TreeSet<>();
    for (Map<?, ?> rule : rules) {
      used.addAll(metricsIn((String) rule.get("expr")));
      assertEquals("warning", ((Map<?, ?>) rule.get("labels")).get("severity"));
      String summary = (String) ((Map<?, ?>) rule.get("annotations")).get("summary");
      assertFalse(summary.isBlank());
    }
    assertTrue(
        exported.containsAll(used),
        "not exported by the gateway: " + difference(used, exported) + "; exported: " + exported);
    assertTrue(used.contains("turnout_controller_connected"));
    assertTrue(
        ((String) rules.get(0).get("expr")).contains(") > 0.05"), "default error-rate threshold");
  }

  @Test
  void theSelectorAndThresholdsReachEveryAlert() {
    Rendered r =
        TurnoutChart.render(
            Map.of(
                "prometheusRule.enabled", "true",
                "prometheusRule.selector", "namespace=\"edge\"",
                "prometheusRule.errorRate.threshold", "0.02",
                "prometheusRule.alertLabels.team", "web"));
    for (Map<?, ?> rule : rules(r)) {
      String expr = (String) rule.get("expr");
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        String after = expr.substring(m.end());
        assertTrue(
            after.startsWith("{")
                && after.substring(0, after.indexOf('}')).contains("namespace=\"edge\""),
            rule.get("alert") + ": " + m.group() + " lacks the selector in " + expr);
      }
      assertEquals("web", ((Map<?, ?>) rule.get("labels")).get("team"));
    }
    assertTrue(((String) rules(r).get(0).get("expr")).contains(") > 0.02"));
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }
}
