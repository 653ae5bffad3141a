package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.List;
import java.util.Map;

/**
 * A Service used as a version by a {@link RouteSource} (an HTTPRoute's backendRef, an Ingress
 * backend): the version name, the Service port and its ready endpoints, read the way {@link
 * ServiceTranslator} reads them for annotated Services.
 *
 * @param serviceKey {@code namespace/name}
 * @param version the Service's {@code turnout.io/version} annotation, else its name
 * @param portName the chosen Service port's name ("" when unnamed), to find it in EndpointSlices
 * @param endpoints ready endpoints (pod IP and target port), sorted
 */
public record ServiceBackend(
    String serviceKey, String version, String portName, List<EndpointSpec> endpoints) {
  public ServiceBackend {
    endpoints = List.copyOf(endpoints);
  }

  /**
   * Resolves {@code service} as a backend.
   *
   * @param port the Service port number to use, or null for the one {@code turnout.io/port} names,
   *     else the one named {@code http}, else the only one
   * @throws IllegalArgumentException naming what does not fit (no such port, bad version name)
   */
  public static ServiceBackend of(Service service, Integer port, ClusterView view) {
    String key = ServiceTranslator.keyOf(service);
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    String version =
        annotations == null
            ? service.getMetadata().getName()
            : annotations.getOrDefault(Annotations.VERSION, service.getMetadata().getName()).trim();
    List<ServicePort> ports =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    String wanted =
        port != null
            ? port.toString()
            : annotations == null ? null : annotations.get(Annotations.PORT);
    ServicePort chosen = ServiceTranslator.choosePort(ports, wanted == null ? null : wanted.trim());
    String portName = chosen.getName() == null ? "" : chosen.getName();
    return new ServiceBackend(
        key, version, portName, ServiceTranslator.readyEndpoints(portName, view.slicesOf(key)));
  }

  /** This backend as a version of {@code weight}, mirroring {@code mirror} percent. */
  public VersionSpec asVersion(int weight, int mirror) {
    return new VersionSpec(version, weight, endpoints, null, mirror);
  }
}
