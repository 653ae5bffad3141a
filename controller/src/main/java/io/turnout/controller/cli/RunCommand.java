package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.Controller;
import io.turnout.controller.rollout.RolloutSettings;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.source.StreamTokenFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code turnout run}: the controller process. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Watch Services and EndpointSlices and stream routing snapshots to gateways.",
      "Serves GET /v1/snapshots (Server-Sent Events), POST /v1/reports, /healthz, /readyz and"
          + " /metrics. The replica holding the Lease runs rollouts."
    })
final class RunCommand implements Callable<Integer> {
  private final Supplier<KubernetesClient> clients;

  @Option(
      names = "--listen",
      paramLabel = "PORT",
      defaultValue = "8090",
      description = "HTTP port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Namespace to watch; repeat for several. Default: all namespaces.")
  List<String> namespaces = new ArrayList<>();

  @Option(
      names = "--trusted-namespaces",
      paramLabel = "NS[,NS...]",
      split = ",",
      description =
          "Namespaces whose Services may claim the catch-all * and wildcards like *.com."
              + " Default: none.")
  List<String> trustedNamespaces = new ArrayList<>();

  @Option(
      names = "--gateway-service",
      paramLabel = "NAMESPACE/NAME",
      description =
          "The gateways' Service; its load balancer addresses (else cluster IP) go into the"
              + " status.addresses of Turnout's Gateway API Gateways and the"
              + " status.loadBalancer of Turnout's Ingresses. Default: none.")
  String gatewayService;

  @Option(
      names = "--coalesce",
      paramLabel = "MILLIS",
      defaultValue = "25",
      description = "Gather changes this long before rebuilding (default: ${DEFAULT-VALUE} ms).")
  long coalesceMillis;

  @Option(
      names = "--heartbeat",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Keep-alive comment interval on streams (default: ${DEFAULT-VALUE} s).")
  long heartbeatSeconds;

  @Option(
      names = "--lease-namespace",
      paramLabel = "NS",
      description =
          "Namespace of the Lease that elects the replica running rollouts (default: POD_NAMESPACE,"
              + " else default).")
  String leaseNamespace;

  @Option(
      names = "--lease-name",
      paramLabel = "NAME",
      defaultValue = "turnout-controller",
      description = "Name of that Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--endpoint-coalesce",
      paramLabel = "MILLIS",
      defaultValue = "100",
      description =
          "Send endpoint-only changes at most this often; weight, version and host changes go"
              + " at once (default: ${DEFAULT-VALUE} ms).")
  long endpointCoalesceMillis;

  @Option(
      names = "--max-streams",
      paramLabel = "N",
      defaultValue = "512",
      description =
          "Snapshot streams open at once; more are answered 503 (default: ${DEFAULT-VALUE}).")
  int maxStreams;

  @Option(
      names = "--stream-token-file",
      paramLabel = "FILE",
      description =
          "Require Authorization: Bearer <the file's content> on /v1/snapshots (read at start).")
  Path streamTokenFile;

  @Option(
      names = "--ingress",
      description =
          "Also route the Ingresses of IngressClasses whose controller is"
              + " turnout.io/gateway-controller, ingress-nginx canary annotations included"
              + " (needs RBAC on ingresses and ingressclasses).")
  boolean ingress;

  RunCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  private RolloutSettings rollouts() {
    RolloutSettings d = RolloutSettings.defaults();
    return d.withLease(leaseNamespace == null ? d.leaseNamespace() : leaseNamespace, leaseName);
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new Cli.Refused("--listen must be 0..65535, was " + port);
    }
    if (coalesceMillis < 0 || heartbeatSeconds < 1) {
      throw new Cli.Refused("--coalesce must be >= 0 and --heartbeat >= 1");
    }
    List<String> trusted = TrustedNamespaces.parse(trustedNamespaces);
    if (endpointCoalesceMillis < 0 || maxStreams < 1) {
      throw new Cli.Refused("--endpoint-coalesce must be >= 0 and --max-streams >= 1");
    }
    if (gatewayService != null && !gatewayService.matches("[^/\\s]+/[^/\\s]+")) {
      throw new Cli.Refused(
          "--gateway-service must be NAMESPACE/NAME, was '" + gatewayService + "'");
    }
    String token;
    try {
      token = StreamTokenFile.read(streamTokenFile, "--stream-token-file");
    } catch (IllegalArgumentException e) {
      throw new Cli.Refused(e.getMessage());
    }
    KubernetesClient client = clients.get();
    Controller controller =
        Controller.start(
            client,
            new Controller.Settings(
                namespaces,
                Duration.ofMillis(coalesceMillis),
                SnapshotServer.Settings.defaults(port)
                    .withHeartbeat(Duration.ofSeconds(heartbeatSeconds))
                    .withEndpointCoalesce(Duration.ofMillis(endpointCoalesceMillis))
                    .withMaxStreams(maxStreams)
                    .withStreamToken(token),
                rollouts(),
                trusted,
                gatewayService,
                ingress));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  controller.close();
                  client.close();
                  stopped.countDown();
                },
                "turnout-shutdown"));
    stopped.await();
    return 0;
  }
}
