package io.turnout.bench.controller;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/**
 * The Kubernetes objects the controller benchmarks create: a Service with Turnout's annotations and
 * one {@code http} port 80, and an EndpointSlice of a Service ({@code http} port, IPv4) for the
 * caller to add endpoints to; and the weight change they measure.
 */
final class BenchResources {
  private BenchResources() {}

  static Service service(String namespace, String name, Map<String, String> annotations) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .addNewPort()
        .withName("http")
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  /** Sets Service {@code namespace/name}'s {@code turnout.io/weight} with a JSON merge patch. */
  static void patchWeight(KubernetesClient client, String namespace, String name, int weight) {
    client
        .services()
        .inNamespace(namespace)
        .withName(name)
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"turnout.io/weight\":\"" + weight + "\"}}}");
  }

  /** A slice named {@code name} of Service {@code service}, with no endpoint yet. */
  static EndpointSliceBuilder slice(String namespace, String name, String service, int port) {
    return new EndpointSliceBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels("kubernetes.io/service-name", service)
        .endMetadata()
        .withAddressType("IPv4")
        .addNewPort()
        .withName("http")
        .withPort(port)
        .endPort();
  }
}
