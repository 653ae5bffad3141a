package io.turnout.controller;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.turnout.controller.cli.CliRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fabric8 mock API server in CRUD mode (real HTTP, real watches) and helpers to create the
 * Services and EndpointSlices a Turnout app has.
 */
public final class FakeCluster implements AutoCloseable {
  // The mock server logs every request through java.util.logging; held so the level sticks.
  private static final java.util.logging.Logger MOCK_LOG = quiet("io.fabric8.mockwebserver");

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
    l.setLevel(java.util.logging.Level.WARNING);
    return l;
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public FakeCluster() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(List.of()),
            false);
    server.init();
    client = server.createClient();
  }

  public KubernetesClient client() {
    return client;
  }

  /** Runs {@code turnout args...} against this cluster. */
  public CliRun turnout(String... args) {
    return CliRun.of(this::newClient, args);
  }

  /** A fresh client of the same server (the CLI closes the one it is given). */
  public KubernetesClient newClient() {
    // No retries, as the CLI's real client: a test of an unreachable cluster fails fast.
    io.fabric8.kubernetes.client.Config config =
        new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
            .withRequestRetryBackoffLimit(0)
            .build();
    return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The app most tests use: Services shop/shop-blue and shop/shop-green for shop.example.com, as
   * versions blue and green with the given weights (null: no weight annotation). No slices yet.
   */
  public void shopApp(String blueWeight, String greenWeight) {
    for (String v : java.util.List.of("blue", "green")) {
      Map<String, String> a = new LinkedHashMap<>();
      a.put("turnout.io/host", "shop.example.com");
      a.put("turnout.io/version", v);
      String w = v.equals("blue") ? blueWeight : greenWeight;
      if (w != null) {
        a.put("turnout.io/weight", w);
      }
      service("shop", "shop-" + v, a);
    }
  }

  /** Creates a Service with one port named http (80 -> 8080) and the given annotations. */
  public Service service(String ns, String name, Map<String, String> annotations) {
    return service(ns, name, annotations, List.of(port("http", 80)));
  }

  public Service service(
      String ns, String name, Map<String, String> annotations, List<ServicePort> ports) {
    Service s =
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .withAnnotations(new LinkedHashMap<>(annotations))
            .endMetadata()
            .withNewSpec()
            .withPorts(ports)
            .endSpec()
            .build();
    return client.services().inNamespace(ns).resource(s).create();
  }

  public static ServicePort port(String name, int port) {
    return new ServicePortBuilder().withName(name).withPort(port).build();
  }

  /** Sets (or with null, removes) one annotation with a JSON merge patch, as kubectl annotate. */
  public void annotate(String ns, String name, String key, String value) {
    String v = value == null ? "null" : "\"" + value + "\"";
    client
        .services()
        .inNamespace(ns)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + key + "\":" + v + "}}}");
  }

  public void deleteService(String ns, String name) {
    client.services().inNamespace(ns).withName(name).delete();
  }

  /**
   * Creates or replaces the EndpointSlice {@code <service>-slice} of a Service: port {@code
   * portName} is {@code targetPort} on every address; {@code notReady} lists addresses that are not
   * ready.
   */
  public EndpointSlice slice(
      String ns,
      String service,
      String portName,
      int targetPort,
      List<String> ready,
      List<String> notReady) {
    List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpoints = new ArrayList<>();
    for (String a : ready) {
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(a)
              .withNewConditions()
              .withReady(true)
              .endConditions()
              .build());
    }
    for (String a : notReady) {
      endpoints.add(
          new EndpointBuilder()
              .withAddresses(a)
              .withNewConditions()
              .withReady(false)
              .endConditions()
              .build());
    }
    EndpointSlice slice =
        new EndpointSliceBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(service + "-slice")
            .addToLabels("kubernetes.io/service-name", service)
            .endMetadata()
            .withAddressType("IPv4")
            .addNewPort()
            .withName(portName)
            .withPort(targetPort)
            .withProtocol("TCP")
            .endPort()
            .withEndpoints(endpoints)
            .build();
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(ns)
        .resource(slice)
        .createOr(op -> op.update());
  }

  public void deleteSlice(String ns, String service) {
    client.discovery().v1().endpointSlices().inNamespace(ns).withName(service + "-slice").delete();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
