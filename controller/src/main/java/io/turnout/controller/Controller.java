package io.turnout.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.controller.rollout.RolloutSettings;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A running controller: informers, reconciler and the snapshot server, wired together. What {@code
 * turnout run} starts; tests and benchmarks start it the same way against a mock API server.
 */
public interface Controller extends AutoCloseable {
  /**
   * @param namespaces namespaces to watch; empty for all
   * @param coalesce how long the reconciler gathers changes before rebuilding (a burst of pod
   *     changes in a rollout becomes one snapshot; the cost is this much added latency)
   * @param server the HTTP port's settings
   * @param rollouts leader election and the rollout engine
   * @param trustedNamespaces namespaces whose Services may claim {@code *} and wildcards like
   *     {@code *.com} ({@code --trusted-namespaces}); empty: none may
   * @param gatewayService {@code namespace/name} of the gateways' Service, whose addresses
   *     Turnout's Gateways and Ingresses report in their status ({@code --gateway-service}); null
   *     for none
   * @param ingress route the Ingresses of Turnout's IngressClasses ({@code --ingress}); off by
   *     default, because without RBAC on them the informers never sync and no snapshot is built
   */
  record Settings(
      List<String> namespaces,
      Duration coalesce,
      SnapshotServer.Settings server,
      RolloutSettings rollouts,
      List<String> trustedNamespaces,
      String gatewayService,
      boolean ingress) {
    public Settings {
      namespaces = List.copyOf(namespaces);
      trustedNamespaces = List.copyOf(trustedNamespaces);
    }

    public Settings(
        List<String> namespaces,
        Duration coalesce,
        SnapshotServer.Settings server,
        RolloutSettings rollouts,
        List<String> trustedNamespaces) {
      this(namespaces, coalesce, server, rollouts, trustedNamespaces, null, false);
    }

    public Settings(List<String> namespaces, Duration coalesce, SnapshotServer.Settings server) {
      this(namespaces, coalesce, server, RolloutSettings.defaults(), List.of());
    }

    public static Settings defaults(int port) {
      return new Settings(List.of(), Duration.ofMillis(25), SnapshotServer.Settings.defaults(port));
    }

    public Settings withNamespaces(List<String> ns) {
      return new Settings(
          ns, coalesce, server, rollouts, trustedNamespaces, gatewayService, ingress);
    }

    public Settings withServer(SnapshotServer.Settings s) {
      return new Settings(
          namespaces, coalesce, s, rollouts, trustedNamespaces, gatewayService, ingress);
    }

    public Settings withRollouts(RolloutSettings r) {
      return new Settings(
          namespaces, coalesce, server, r, trustedNamespaces, gatewayService, ingress);
    }

    public Settings withTrustedNamespaces(List<String> ns) {
      return new Settings(namespaces, coalesce, server, rollouts, ns, gatewayService, ingress);
    }

    public Settings withGatewayService(String key) {
      return new Settings(namespaces, coalesce, server, rollouts, trustedNamespaces, key, ingress);
    }

    public Settings withIngress(boolean on) {
      return new Settings(
          namespaces, coalesce, server, rollouts, trustedNamespaces, gatewayService, on);
    }
  }

  /** Binds the port and starts the informers; returns without waiting for them to sync. */
  static Controller start(KubernetesClient client, Settings settings) {
    return DefaultController.start(client, settings);
  }

  /** The HTTP port. */
  int port();

  /** True once the caches have synced and the first snapshot is built ({@code /readyz}). */
  boolean ready();

  /** The gateways' reports, summed ({@code POST /v1/reports}). */
  default FleetStats fleet() {
    throw new UnsupportedOperationException("this controller takes no reports");
  }

  /** True while this replica holds the Lease and runs rollouts. */
  default boolean leading() {
    return false;
  }

  /** The last published snapshot, or null before the first. */
  Snapshot current();

  /**
   * Compares the reconciler's incrementally kept snapshot with a whole rebuild (publishing the
   * rebuild if they differ); completes with true when they were equal. For tests and benchmarks.
   */
  default CompletableFuture<Boolean> verifySnapshot() {
    return CompletableFuture.completedFuture(true);
  }

  /** Stops serving and watching. The client is the caller's to close. */
  @Override
  void close();
}
