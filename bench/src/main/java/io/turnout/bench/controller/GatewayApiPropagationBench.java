package io.turnout.bench.controller;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.turnout.controller.Controller;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Propagation of an HTTPRoute weight edit next to an annotation edit, in one process under the same
 * load: the mock API server with the Gateway API CRDs, a real controller, a real gateway fed by it.
 * Edits alternate: {@code turnout.io/weight} on Service {@code shop/shop-green} (host {@code
 * shop.example.com}), then {@code weight} of the green backendRef of HTTPRoute {@code web/web}
 * (host {@code web.example.com}); each is timed from the request sent until the gateway's current
 * snapshot carries it (polled every 0.2 ms). Args: {@code [changes=50] [warmup=10]}.
 */
public final class GatewayApiPropagationBench {
  private GatewayApiPropagationBench() {}

  public static void main(String[] args) throws Exception {
    int changes = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    KubernetesMockServer api = MockApiServer.startCrud();
    KubernetesClient client = api.createClient();
    crds(client);
    client
        .resource(
            new GatewayClassBuilder()
                .withNewMetadata()
                .withName("turnout")
                .endMetadata()
                .withNewSpec()
                .withControllerName("turnout.io/gateway-controller")
                .endSpec()
                .build())
        .create();
    for (String ns : List.of("shop", "web")) {
      for (String v : List.of("blue", "green")) {
        Map<String, String> annotations = new HashMap<>();
        annotations.put("turnout.io/version", v);
        if (ns.equals("shop")) {
          annotations.put("turnout.io/host", "shop.example.com");
          annotations.put("turnout.io/weight", "50");
        }
        client.resource(BenchResources.service(ns, ns + "-" + v, annotations)).create();
        EndpointSliceBuilder slice =
            BenchResources.slice(ns, ns + "-" + v + "-1", ns + "-" + v, 8080);
        for (int i = 1; i <= 10; i++) {
          slice
              .addNewEndpoint()
              .withAddresses("10." + (ns.equals("shop") ? 1 : 2) + "." + v.length() + "." + i)
              .endEndpoint();
        }
        client.resource(slice.build()).create();
      }
    }
    client
        .resource(
            new GatewayBuilder()
                .withNewMetadata()
                .withNamespace("web")
                .withName("web")
                .endMetadata()
                .withNewSpec()
                .withGatewayClassName("turnout")
                .addNewListener()
                .withName("http")
                .withProtocol("HTTP")
                .withPort(80)
                .endListener()
                .endSpec()
                .build())
        .create();
    client.resource(route(50)).create();

    Controller controller = Controller.start(client, Controller.Settings.defaults(0));
    GatewayServer gateway =
        GatewayServer.start(
            ConfigFile.parse(
                "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                    + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                    + "accessLog: false\n"),
            ControllerSnapshotSource.create(
                ControllerSnapshotSource.Settings.of(
                    URI.create("http://127.0.0.1:" + controller.port()))));
    List<Long> annotation = new ArrayList<>();
    List<Long> httpRoute = new ArrayList<>();
    try {
      await(gateway, "shop.example.com", 50);
      await(gateway, "web.example.com", 50);
      for (int i = 0; i < warmup + changes; i++) {
        int weight = 100 + i;
        long t0 = System.nanoTime();
        BenchResources.patchWeight(client, "shop", "shop-green", weight);
        await(gateway, "shop.example.com", weight);
        long t1 = System.nanoTime();
        HTTPRoute r = client.resources(HTTPRoute.class).inNamespace("web").withName("web").get();
        r.getSpec().setRules(route(weight).getSpec().getRules());
        client.resource(r).update();
        await(gateway, "web.example.com", weight);
        long t2 = System.nanoTime();
        if (i >= warmup) {
          annotation.add(t1 - t0);
          httpRoute.add(t2 - t1);
        }
      }
    } finally {
      gateway.close();
      controller.close();
      client.close();
      api.destroy();
    }
    System.out.println(
        "annotation edit -> gateway applied:        " + new Stats(annotation).summary());
    System.out.println(
        "HTTPRoute weight edit -> gateway applied:  " + new Stats(httpRoute).summary());
    System.exit(0);
  }

  private static HTTPRoute route(int greenWeight) {
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withNamespace("web")
        .withName("web")
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName("web")
        .endParentRef()
        .withHostnames("web.example.com")
        .addNewRule()
        .addNewBackendRef()
        .withName("web-blue")
        .withPort(80)
        .withWeight(50)
        .endBackendRef()
        .addNewBackendRef()
        .withName("web-green")
        .withPort(80)
        .withWeight(greenWeight)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  /** Spins until the gateway's snapshot gives green {@code weight} on {@code host}. */
  private static void await(GatewayServer gateway, String host, int weight) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      Snapshot s = gateway.currentSnapshot();
      if (s != null) {
        for (HostSpec h : s.hosts()) {
          if (h.host().equals(host)) {
            for (VersionSpec v : h.routes().get(0).versions()) {
              if (v.name().equals("green") && v.weight() == weight) {
                return;
              }
            }
          }
        }
      }
      LockSupport.parkNanos(200_000);
    }
    throw new IllegalStateException(host + " never reached green=" + weight);
  }

  /** The Gateway API CRDs, trimmed to what the mock needs to serve the kinds. */
  private static void crds(KubernetesClient client) {
    String[][] kinds = {
      {"gatewayclasses", "GatewayClass", "Cluster", "v1"},
      {"gateways", "Gateway", "Namespaced", "v1"},
      {"httproutes", "HTTPRoute", "Namespaced", "v1"},
      {"referencegrants", "ReferenceGrant", "Namespaced", "v1beta1"}
    };
    for (String[] k : kinds) {
      client
          .resource(
              new CustomResourceDefinitionBuilder()
                  .withNewMetadata()
                  .withName(k[0] + ".gateway.networking.k8s.io")
                  .endMetadata()
                  .withNewSpec()
                  .withGroup("gateway.networking.k8s.io")
                  .withScope(k[2])
                  .withNewNames()
                  .withPlural(k[0])
                  .withKind(k[1])
                  .endNames()
                  .addNewVersion()
                  .withName(k[3])
                  .withServed(true)
                  .withStorage(true)
                  .withNewSubresources()
                  .withNewStatus()
                  .endStatus()
                  .endSubresources()
                  .endVersion()
                  .endSpec()
                  .build())
          .create();
    }
  }
}
