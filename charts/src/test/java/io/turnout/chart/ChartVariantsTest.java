package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretProjection;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.Durations;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.snapshot.SnapshotJson;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the chart with its default values and with each {@code ci/*-values.yaml}, and checks what
 * every variant must hold. Expectations are read from the same values the render used, so a variant
 * that changes a setting is checked against its own setting.
 */
class ChartVariantsTest {
  private static final Map<String, Rendered> RENDERS = new ConcurrentHashMap<>();

  /** "default", then the name of each ci values file. */
  static Stream<String> variants() {
    List<String> names = new ArrayList<>();
    names.add("default");
    TurnoutChart.ciValuesFiles().forEach(f -> names.add(f.getFileName().toString()));
    return names.stream();
  }

  /** One render per variant, shared by the tests (rendering is the slow part). */
  private static Rendered render(String variant) {
    return RENDERS.computeIfAbsent(
        variant,
        v ->
            v.equals("default")
                ? TurnoutChart.render(Map.of())
                : TurnoutChart.render(TurnoutChart.DIR.resolve("ci").resolve(v)));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void loadBalancerServiceExposesOnlyTheHttpPort(String variant) {
    Rendered r = render(variant);
    String type = (String) r.value("gateway.service.type");
    List<Service> traffic =
        r.gatewayServices().stream().filter(s -> type.equals(s.getSpec().getType())).toList();
    assertEquals(1, traffic.size(), "one gateway Service of type " + type);

    List<ServicePort> ports = traffic.get(0).getSpec().getPorts();
    assertEquals(1, ports.size(), "the traffic Service carries one port");
    assertEquals("http", ports.get(0).getName());
    assertEquals("http", ports.get(0).getTargetPort().getStrVal());
    assertEquals(r.intValue("gateway.service.port"), ports.get(0).getPort());
    assertEquals(
        r.intValue("gateway.config.listen.http"),
        containerPort(r.gatewayContainer(), "http").getContainerPort());

    long loadBalancers =
        r.all(Service.class).stream()
            .filter(s -> "LoadBalancer".equals(s.getSpec().getType()))
            .count();
    assertTrue(loadBalancers <= 1, "no other Service is on the load balancer");
  }

  @ParameterizedTest
  @MethodSource("variants")
  void adminPortHasItsOwnClusterIpService(String variant) {
    Rendered r = render(variant);
    List<Service> admin =
        r.gatewayServices().stream()
            .filter(s -> s.getSpec().getPorts().stream().anyMatch(p -> "admin".equals(p.getName())))
            .toList();
    assertEquals(1, admin.size());
    assertEquals("ClusterIP", admin.get(0).getSpec().getType());
    assertEquals(1, admin.get(0).getSpec().getPorts().size());
    assertEquals("admin", admin.get(0).getSpec().getPorts().get(0).getTargetPort().getStrVal());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void loadBalancerSettingsArePassedThrough(String variant) {
    Rendered r = render(variant);
    Service traffic = r.named(Service.class, gatewayName(r));
    String policy = (String) r.value("gateway.service.externalTrafficPolicy");
    assertEquals(policy.isEmpty() ? null : policy, traffic.getSpec().getExternalTrafficPolicy());
    assertEquals(
        TurnoutChart.stringList(r.value("gateway.service.loadBalancerSourceRanges")),
        traffic.getSpec().getLoadBalancerSourceRanges());
    Map<String, String> annotations = new LinkedHashMap<>();
    ((Map<?, ?>) r.value("gateway.service.annotations"))
        .forEach((k, v) -> annotations.put(String.valueOf(k), String.valueOf(v)));
    Map<String, String> rendered = traffic.getMetadata().getAnnotations();
    assertEquals(annotations, rendered == null ? Map.of() : rendered);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void probesUseTheGatewayAdminEndpoints(String variant) throws Exception {
    Rendered r = render(variant);
    Container gateway = r.gatewayContainer();
    GatewayConfig config = gatewayConfig(r);

    ContainerPort admin = containerPort(gateway, "admin");
    assertEquals(config.listen().admin(), admin.getContainerPort());
    assertEquals(9901, admin.getContainerPort(), "the gateway's documented admin port");

    Probe liveness = gateway.getLivenessProbe();
    assertEquals("/healthz", liveness.getHttpGet().getPath());
    assertEquals("admin", liveness.getHttpGet().getPort().getStrVal());
    assertEquals(r.intValue("gateway.livenessProbe.periodSeconds"), liveness.getPeriodSeconds());
    assertEquals(
        r.intValue("gateway.livenessProbe.failureThreshold"), liveness.getFailureThreshold());

    Probe readiness = gateway.getReadinessProbe();
    assertEquals("/readyz", readiness.getHttpGet().getPath());
    assertEquals("admin", readiness.getHttpGet().getPort().getStrVal());
    assertEquals(r.intValue("gateway.readinessProbe.periodSeconds"), readiness.getPeriodSeconds());
    assertEquals(
        r.intValue("gateway.readinessProbe.timeoutSeconds"), readiness.getTimeoutSeconds());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void gatewayPodMountsNoTokenAndRunsAsNonRootWithNothingWritableButTmp(String variant) {
    Rendered r = render(variant);
    PodSpec pod = r.gatewayDeployment().getSpec().getTemplate().getSpec();
    assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
    ServiceAccount account = r.named(ServiceAccount.class, pod.getServiceAccountName());
    assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
    assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
    assertTrue(pod.getSecurityContext().getRunAsUser() > 0);

    Container gateway = r.gatewayContainer();
    assertEquals(Boolean.TRUE, gateway.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(Boolean.FALSE, gateway.getSecurityContext().getAllowPrivilegeEscalation());
    assertEquals(List.of("ALL"), gateway.getSecurityContext().getCapabilities().getDrop());
    List<String> added = gateway.getSecurityContext().getCapabilities().getAdd();
    assertTrue(added == null || added.isEmpty(), "no capability added");
    assertTrue(
        gateway.getVolumeMounts().stream()
            .noneMatch(m -> m.getMountPath().startsWith("/var/run/secrets/kubernetes.io")));

    VolumeMount tmp = mount(gateway, "/tmp");
    assertTrue(volume(pod, tmp.getName()).getEmptyDir() != null, "/tmp is an emptyDir");
    VolumeMount config = mount(gateway, "/etc/turnout");
    assertEquals(Boolean.TRUE, config.getReadOnly());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void cookieSecretIsMountedWhereTheGatewayConfigLooksForIt(String variant) throws Exception {
    Rendered r = render(variant);
    String secretFile = gatewayConfig(r).affinity().secretFile();
    PodSpec pod = r.gatewayDeployment().getSpec().getTemplate().getSpec();
    String existing = (String) r.value("gateway.cookieSecret.existingSecret");
    String key = (String) r.value("gateway.cookieSecret.key");

    // Where each projected Secret key lands in the container.
    Map<String, String> secretKeyPaths = new LinkedHashMap<>();
    for (VolumeMount m : r.gatewayContainer().getVolumeMounts()) {
      Volume v = volume(pod, m.getName());
      if (v.getSecret() != null) {
        v.getSecret()
            .getItems()
            .forEach(
                i ->
                    secretKeyPaths.put(
                        v.getSecret().getSecretName() + "/" + i.getKey(),
                        m.getMountPath() + "/" + i.getPath()));
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          SecretProjection s = p.getSecret();
          if (s != null) {
            s.getItems()
                .forEach(
                    i ->
                        secretKeyPaths.put(
                            s.getName() + "/" + i.getKey(), m.getMountPath() + "/" + i.getPath()));
          }
        }
      }
    }
    String secretName =
        existing.isEmpty()
            ? r.named(Secret.class, gatewayName(r)).getMetadata().getName()
            : existing;
    // The stream token (StreamTokenTest) shares the projected volume; the cookie key is checked
    // here.
    secretKeyPaths.keySet().removeIf(k -> k.endsWith("-stream-token/stream-token"));
    assertEquals(Map.of(secretName + "/" + key, secretFile), secretKeyPaths);

    List<Secret> secrets =
        r.all(Secret.class).stream()
            .filter(s -> !s.getMetadata().getName().endsWith("-stream-token"))
            .toList();
    if (existing.isEmpty()) {
      assertEquals(1, secrets.size());
      assertTrue(secrets.get(0).getData().containsKey(key));
    } else {
      assertTrue(secrets.isEmpty(), "an existing Secret is used, none is created");
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void renderedGatewayConfigPassesTheGatewaysOwnValidation(String variant, @TempDir Path dir)
      throws Exception {
    Rendered r = render(variant);
    String text = r.gatewayConfigMap().getData().get("turnout.yaml");
    GatewayConfig rendered = gatewayConfig(r);
    // The gateway checks that the key file is readable: stand in a local one for the mount.
    Path key = Files.writeString(dir.resolve("cookie-key"), "k");
    String local = text.replace(rendered.affinity().secretFile(), key.toString());

    GatewayConfig config = ConfigFile.parse(local);

    assertEquals(
        Durations.parse((String) r.value("gateway.config.shutdown.timeout")),
        config.shutdown().timeout());
    assertEquals(r.value("gateway.config.affinity.cookie"), config.affinity().cookie());
    assertEquals(
        r.value("gateway.config.limits.allowUnderscoresInHeaders"),
        config.limits().allowUnderscoresInHeaders());
    assertEquals(
        Durations.parse((String) r.value("gateway.config.limits.sendTimeout")),
        config.limits().sendTimeout());
    assertEquals(
        Durations.parse((String) r.value("gateway.config.limits.tunnelIdleTimeout")),
        config.limits().tunnelIdleTimeout());
    assertEquals(
        Durations.parse((String) r.value("gateway.config.upstream.readTimeout")),
        config.upstream().readTimeout());
    assertEquals(
        Durations.parse((String) r.value("gateway.config.upstream.sendTimeout")),
        config.upstream().sendTimeout());
    assertTrue(config.hosts().isEmpty(), "routes come from the controller");
    String token = (String) r.value("gateway.config.preview.token");
    assertEquals(token.isEmpty() ? null : token, config.preview().token());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void gracePeriodOutlastsPreStopDrainDelayAndShutdownTimeout(String variant) throws Exception {
    Rendered r = render(variant);
    GatewayConfig config = gatewayConfig(r);
    PodSpec pod = r.gatewayDeployment().getSpec().getTemplate().getSpec();
    Container gateway = r.gatewayContainer();

    long preStopSeconds = 0;
    if (gateway.getLifecycle() != null && gateway.getLifecycle().getPreStop() != null) {
      List<String> command = gateway.getLifecycle().getPreStop().getExec().getCommand();
      assertEquals("sleep", command.get(0));
      preStopSeconds = Long.parseLong(command.get(1));
    }
    assertEquals(r.intValue("gateway.preStopSleepSeconds"), preStopSeconds);

    Duration needed =
        Duration.ofSeconds(preStopSeconds)
            .plus(config.shutdown().drainDelay())
            .plus(config.shutdown().timeout());
    Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());
    assertTrue(
        grace.compareTo(needed) > 0,
        () -> "grace " + grace + " must exceed preStop + drainDelay + timeout = " + needed);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void rolloutStartsANewGatewayPodBeforeStoppingAnOldOne(String variant) {
    Rendered r = render(variant);
    var strategy = r.gatewayDeployment().getSpec().getStrategy();
    assertEquals("RollingUpdate", strategy.getType());
    assertEquals(0, strategy.getRollingUpdate().getMaxUnavailable().getIntVal());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void gatewayFollowsTheControllerServiceOfThisRelease(String variant) {
    Rendered r = render(variant);
    List<String> args = r.gatewayContainer().getArgs();
    URI controller = URI.create(argAfter(args, "--controller"));
    Service service = r.named(Service.class, controller.getHost());
    assertEquals(r.controllerDeployment().getMetadata().getName(), service.getMetadata().getName());
    assertEquals(controller.getPort(), service.getSpec().getPorts().get(0).getPort());
    assertEquals(
        "http", service.getSpec().getPorts().get(0).getTargetPort().getStrVal(), "named port");
    assertTrue(containerPort(r.controllerContainer(), "http") != null);
    assertEquals(
        String.valueOf(containerPort(r.controllerContainer(), "http").getContainerPort()),
        argAfter(r.controllerContainer().getArgs(), "--listen"));

    assertEquals("/etc/turnout/turnout.yaml", argAfter(args, "--config"));
    assertEquals("/tmp/turnout-snapshot.json", argAfter(args, "--snapshot-cache"));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void controllerRbacGrantsExactlyReadOnServicesAndEndpointSlicesAndEventWrites(String variant) {
    Rendered r = render(variant);
    Set<String> expected =
        new java.util.HashSet<>(
            Set.of(
                "core/services/get",
                "core/services/list",
                "core/services/watch",
                "core/services/patch", // its own turnout.io/draining-since annotation
                "coordination.k8s.io/leases/get",
                "coordination.k8s.io/leases/create",
                "coordination.k8s.io/leases/update",
                "discovery.k8s.io/endpointslices/get",
                "discovery.k8s.io/endpointslices/list",
                "discovery.k8s.io/endpointslices/watch",
                "core/events/create",
                "core/events/patch"));
    Set<String> ingressClasses =
        Set.of(
            "networking.k8s.io/ingressclasses/get",
            "networking.k8s.io/ingressclasses/list",
            "networking.k8s.io/ingressclasses/watch");
    if (Boolean.TRUE.equals(r.value("controller.ingress.enabled"))) {
      expected.addAll(ingressClasses);
      expected.addAll(
          Set.of(
              "networking.k8s.io/ingresses/get",
              "networking.k8s.io/ingresses/list",
              "networking.k8s.io/ingresses/watch",
              "networking.k8s.io/ingresses/status/update",
              "networking.k8s.io/ingresses/status/patch"));
    }
    List<List<PolicyRule>> ruleSets = new ArrayList<>();
    r.all(Role.class).forEach(role -> ruleSets.add(role.getRules()));
    assertFalse(
        ruleSets.isEmpty() && r.all(ClusterRole.class).isEmpty(),
        "the controller gets a Role or ClusterRole");
    for (List<PolicyRule> rules : ruleSets) {
      assertEquals(expected, grants(rules));
    }
    // The Gateway API's kinds are read cluster-wide only (GatewayClasses are cluster-scoped).
    Set<String> cluster = new TreeSet<>(expected);
    if (Boolean.TRUE.equals(r.value("controller.gatewayApi.enabled"))) {
      cluster.addAll(GatewayApiChartTest.GRANTS);
    }
    for (ClusterRole role : r.all(ClusterRole.class)) {
      if (grants(role.getRules()).equals(ingressClasses)) {
        continue; // namespaced RBAC's one cluster-wide read: IngressClasses are cluster-scoped
      }
      assertEquals(cluster, grants(role.getRules()));
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void controllerWatchesExactlyTheNamespacesItHasRightsIn(String variant) {
    Rendered r = render(variant);
    String account =
        r.controllerDeployment().getSpec().getTemplate().getSpec().getServiceAccountName();
    List<String> args = r.controllerContainer().getArgs();
    Set<String> watched = new TreeSet<>();
    for (int i = 0; i < args.size() - 1; i++) {
      if (args.get(i).equals("--namespace")) {
        watched.add(args.get(i + 1));
      }
    }
    boolean namespaced = (Boolean) r.value("controller.rbac.namespaced");
    if (namespaced) {
      // Only the IngressClasses reader (cluster-scoped objects) may be cluster-wide.
      for (ClusterRole role : r.all(ClusterRole.class)) {
        for (PolicyRule rule : role.getRules()) {
          assertEquals(List.of("ingressclasses"), rule.getResources(), role.toString());
        }
      }
      assertTrue(r.all(ClusterRoleBinding.class).size() <= 1);
      Set<String> granted = new TreeSet<>();
      for (RoleBinding b : r.all(RoleBinding.class)) {
        assertBindsTo(account, b.getSubjects());
        r.all(Role.class).stream()
            .filter(
                role -> role.getMetadata().getNamespace().equals(b.getMetadata().getNamespace()))
            .filter(role -> role.getMetadata().getName().equals(b.getRoleRef().getName()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("binding to a missing Role: " + b));
        granted.add(b.getMetadata().getNamespace());
      }
      assertFalse(watched.isEmpty(), "namespaced RBAC must not watch all namespaces");
      assertEquals(granted, watched);
      List<String> wanted = TurnoutChart.stringList(r.value("controller.watchNamespaces"));
      assertEquals(
          wanted.isEmpty() ? Set.of(TurnoutChart.NAMESPACE) : new TreeSet<>(wanted), watched);
    } else {
      assertTrue(r.all(Role.class).isEmpty());
      ClusterRoleBinding binding = r.all(ClusterRoleBinding.class).get(0);
      assertBindsTo(account, binding.getSubjects());
      assertEquals(
          r.all(ClusterRole.class).get(0).getMetadata().getName(), binding.getRoleRef().getName());
      assertEquals(
          new TreeSet<>(TurnoutChart.stringList(r.value("controller.watchNamespaces"))), watched);
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void gatewayRunsAnHpaOrAFixedReplicaCountAsValuesSay(String variant) {
    Rendered r = render(variant);
    Deployment deployment = r.gatewayDeployment();
    List<HorizontalPodAutoscaler> hpas = r.all(HorizontalPodAutoscaler.class);
    if ((Boolean) r.value("gateway.autoscaling.enabled")) {
      assertEquals(1, hpas.size());
      var spec = hpas.get(0).getSpec();
      assertEquals(r.intValue("gateway.autoscaling.minReplicas"), spec.getMinReplicas());
      assertEquals(r.intValue("gateway.autoscaling.maxReplicas"), spec.getMaxReplicas());
      assertEquals(deployment.getMetadata().getName(), spec.getScaleTargetRef().getName());
      assertEquals("Deployment", spec.getScaleTargetRef().getKind());
      assertEquals("cpu", spec.getMetrics().get(0).getResource().getName());
      assertEquals(
          r.intValue("gateway.autoscaling.targetCPUUtilizationPercentage"),
          spec.getMetrics().get(0).getResource().getTarget().getAverageUtilization());
      assertNull(deployment.getSpec().getReplicas(), "the HPA owns the replica count");
    } else {
      assertTrue(hpas.isEmpty());
      assertEquals(r.intValue("gateway.replicaCount"), deployment.getSpec().getReplicas());
    }
    assertEquals(
        r.intValue("controller.replicaCount"), r.controllerDeployment().getSpec().getReplicas());
  }

  @ParameterizedTest
  @MethodSource("variants")
  void disruptionBudgetsSelectTheirComponentsPods(String variant) {
    Rendered r = render(variant);
    for (PodDisruptionBudget pdb : r.all(PodDisruptionBudget.class)) {
      Map<String, String> selector = pdb.getSpec().getSelector().getMatchLabels();
      assertEquals(1, podsSelectedBy(r, selector).size(), pdb.getMetadata().getName());
    }
    PodDisruptionBudget gateway = r.one(PodDisruptionBudget.class, "gateway");
    Object minAvailable = r.value("gateway.podDisruptionBudget.minAvailable");
    if ("".equals(minAvailable)) {
      assertEquals(
          String.valueOf(r.value("gateway.podDisruptionBudget.maxUnavailable")),
          intOrString(gateway.getSpec().getMaxUnavailable()));
      assertNull(gateway.getSpec().getMinAvailable());
    } else {
      assertEquals(String.valueOf(minAvailable), intOrString(gateway.getSpec().getMinAvailable()));
      assertNull(gateway.getSpec().getMaxUnavailable());
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void everyServiceSelectsThePodsOfExactlyOneComponent(String variant) {
    Rendered r = render(variant);
    for (Service service : r.all(Service.class)) {
      List<Deployment> selected = podsSelectedBy(r, service.getSpec().getSelector());
      assertEquals(1, selected.size(), service.getMetadata().getName());
      String component = service.getMetadata().getLabels().get("app.kubernetes.io/component");
      assertEquals(
          component, selected.get(0).getMetadata().getLabels().get("app.kubernetes.io/component"));
      for (ServicePort port : service.getSpec().getPorts()) {
        String target = port.getTargetPort().getStrVal();
        Container container =
            selected.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(
            containerPort(container, target) != null,
            service.getMetadata().getName() + " targets a port the pod has: " + target);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("variants")
  void serviceMonitorsScrapeTheMetricsPortsWhenEnabled(String variant) {
    Rendered r = render(variant);
    List<HasMetadata> monitors = r.ofKind("ServiceMonitor");
    if (!(Boolean) r.value("serviceMonitor.enabled")) {
      assertTrue(monitors.isEmpty());
      return;
    }
    Map<String, String> scrapedPorts = new LinkedHashMap<>();
    for (HasMetadata monitor : monitors) {
      assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
      Map<?, ?> spec =
          (Map<?, ?>) ((GenericKubernetesResource) monitor).getAdditionalProperties().get("spec");
      @SuppressWarnings("unchecked")
      Map<String, String> selector =
          (Map<String, String>) ((Map<?, ?>) spec.get("selector")).get("matchLabels");
      Map<?, ?> endpoint = (Map<?, ?>) ((List<?>) spec.get("endpoints")).get(0);
      assertEquals("/metrics", endpoint.get("path"));
      String port = (String) endpoint.get("port");
      // The port must exist on a selected Service, and never be the proxied traffic port.
      boolean found = false;
      for (Service service : r.all(Service.class)) {
        if (service.getMetadata().getLabels().entrySet().containsAll(selector.entrySet())
            && service.getSpec().getPorts().stream().anyMatch(p -> port.equals(p.getName()))) {
          found = true;
          assertFalse(
              "LoadBalancer".equals(service.getSpec().getType()),
              "a ServiceMonitor scrapes the load balancer Service");
        }
      }
      assertTrue(found, "no Service has port " + port);
      scrapedPorts.put(monitor.getMetadata().getLabels().get("app.kubernetes.io/component"), port);
      assertTrue(
          monitor
              .getMetadata()
              .getLabels()
              .entrySet()
              .containsAll(((Map<?, ?>) r.value("serviceMonitor.labels")).entrySet()));
    }
    assertEquals(Map.of("gateway", "admin", "controller", "http"), scrapedPorts);
  }

  @ParameterizedTest
  @MethodSource("variants")
  void objectNamesAndLabelsFitKubernetesLimits(String variant) {
    Rendered r = render(variant);
    Set<String> seen = new HashSet<>();
    for (HasMetadata o : r.objects()) {
      String name = o.getMetadata().getName();
      assertTrue(name.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"), name);
      String key = o.getKind() + "/" + o.getMetadata().getNamespace() + "/" + name;
      assertTrue(seen.add(key), "duplicate " + key);
      assertEquals(
          TurnoutChart.RELEASE, o.getMetadata().getLabels().get("app.kubernetes.io/instance"));
      o.getMetadata().getLabels().values().forEach(v -> assertTrue(v.length() <= 63, v));
    }
  }

  // --- helpers ---

  private static GatewayConfig gatewayConfig(Rendered r) throws ConfigException {
    String text = r.gatewayConfigMap().getData().get("turnout.yaml");
    // Read with the gateway's own mapper, which fails on unknown keys and on strings for
    // numbers; the file checks that need the pod's files are in the validation test.
    return SnapshotJson.read(SnapshotJson.yaml(), text, GatewayConfig.class);
  }

  private static String gatewayName(Rendered r) {
    return r.gatewayDeployment().getMetadata().getName();
  }

  static Set<String> grants(List<PolicyRule> rules) {
    Set<String> grants = new TreeSet<>();
    for (PolicyRule rule : rules) {
      assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
      assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty());
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add((group.isEmpty() ? "core" : group) + "/" + resource + "/" + verb);
          }
        }
      }
    }
    return grants;
  }

  private static void assertBindsTo(String account, List<Subject> subjects) {
    assertEquals(1, subjects.size());
    assertEquals("ServiceAccount", subjects.get(0).getKind());
    assertEquals(account, subjects.get(0).getName());
    assertEquals(TurnoutChart.NAMESPACE, subjects.get(0).getNamespace());
  }

  private static List<Deployment> podsSelectedBy(Rendered r, Map<String, String> selector) {
    return r.all(Deployment.class).stream()
        .filter(
            d ->
                d.getSpec()
                    .getTemplate()
                    .getMetadata()
                    .getLabels()
                    .entrySet()
                    .containsAll(selector.entrySet()))
        .toList();
  }

  private static String intOrString(IntOrString value) {
    return value.getStrVal() != null ? value.getStrVal() : String.valueOf(value.getIntVal());
  }

  private static ContainerPort containerPort(Container container, String name) {
    return container.getPorts().stream()
        .filter(p -> name.equals(p.getName()))
        .findFirst()
        .orElse(null);
  }

  private static VolumeMount mount(Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> path.equals(m.getMountPath()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("nothing mounted at " + path));
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> name.equals(v.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  private static String argAfter(List<String> args, String flag) {
    int i = args.indexOf(flag);
    assertTrue(i >= 0 && i + 1 < args.size(), () -> flag + " missing in " + args);
    return args.get(i + 1);
  }
}
