package io.turnout.controller.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.k8s.Rejection;
import io.turnout.controller.k8s.ServiceRoute;
import io.turnout.controller.k8s.ServiceTranslator;
import io.turnout.controller.k8s.SnapshotAssembler;
import io.turnout.controller.k8s.Translation;
import io.turnout.gateway.snapshot.HostNames;
import io.turnout.gateway.snapshot.HostSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the CLI reads: one LIST of Services and EndpointSlices, translated by the same code the
 * controller runs, so {@code turnout status} shows what the controller publishes.
 */
final class ClusterState {
  final List<Service> services;
  final Map<String, List<EndpointSlice>> slicesByService;
  final List<HostSpec> hosts;
  final List<Rejection> rejections;

  private ClusterState(
      List<Service> services,
      Map<String, List<EndpointSlice>> slicesByService,
      List<HostSpec> hosts,
      List<Rejection> rejections) {
    this.services = services;
    this.slicesByService = slicesByService;
    this.hosts = hosts;
    this.rejections = rejections;
  }

  /** Reads the cluster (one namespace, or all when {@code namespace} is null). */
  static ClusterState read(KubernetesClient client, String namespace) {
    List<Service> services =
        namespace == null
            ? client.services().inAnyNamespace().list().getItems()
            : client.services().inNamespace(namespace).list().getItems();
    List<EndpointSlice> slices =
        namespace == null
            ? client.discovery().v1().endpointSlices().inAnyNamespace().list().getItems()
            : client.discovery().v1().endpointSlices().inNamespace(namespace).list().getItems();
    Map<String, List<EndpointSlice>> byService = new HashMap<>();
    for (EndpointSlice s : slices) {
      String key = ServiceTranslator.serviceKeyOf(s);
      if (key != null) {
        byService.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    }
    List<ServiceRoute> routes = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    for (Service svc : services) {
      Translation t =
          ServiceTranslator.translate(
              svc, byService.getOrDefault(ServiceTranslator.keyOf(svc), List.of()));
      if (t instanceof Translation.Accepted a) {
        routes.add(a.route());
      } else if (t instanceof Translation.Rejected r) {
        rejections.add(r.rejection());
      }
    }
    SnapshotAssembler.Result result = SnapshotAssembler.assemble(routes);
    rejections.addAll(result.conflicts());
    return new ClusterState(services, byService, result.hosts(), rejections);
  }

  /**
   * The Services that name {@code host} in {@code turnout.io/host}, read leniently (a Service with
   * a bad weight is still found, so {@code turnout weight} can fix it).
   */
  /**
   * As {@link #servicesOfHost}, refusing (exit 2) when no Service names {@code host}.
   *
   * @param namespace the namespace the CLI looked in, for the message (null: all)
   */
  List<Service> servicesOfHostOrRefuse(String host, String namespace) {
    List<Service> services = servicesOfHost(host);
    if (services.isEmpty()) {
      throw new Cli.Refused(
          "no Service has "
              + Annotations.HOST
              + " "
              + host
              + (namespace == null ? "" : " in namespace " + namespace));
    }
    return services;
  }

  List<Service> servicesOfHost(String host) {
    String wanted = HostNames.normalize(host.trim());
    List<Service> out = new ArrayList<>();
    for (Service svc : services) {
      Map<String, String> a = svc.getMetadata().getAnnotations();
      if (a == null || a.get(Annotations.HOST) == null) {
        continue;
      }
      for (String h : a.get(Annotations.HOST).split(",")) {
        if (HostNames.normalize(h.trim()).equals(wanted)) {
          out.add(svc);
          break;
        }
      }
    }
    return out;
  }

  /** The version a Service stands for: its {@code turnout.io/version}, else its name. */
  static String versionOf(Service svc) {
    Map<String, String> a = svc.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(Annotations.VERSION);
    return v == null ? svc.getMetadata().getName() : v.trim();
  }
}
