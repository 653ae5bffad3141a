package io.turnout.controller.rollout;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election over a Kubernetes Lease (fabric8's {@code LeaderElector}): exactly one replica
 * runs rollouts; every replica keeps serving snapshots and taking reports. On close the lease is
 * released, so a replica stopped on purpose hands over at once instead of after {@code
 * leaseDuration}.
 *
 * <p>Threads: the elector runs on fabric8's executor; {@code onLeading} is called from there with
 * true when this replica starts leading and false when it stops.
 */
public final class LeaderLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  private final CompletableFuture<?> running;
  private volatile boolean leader;

  private LeaderLease(KubernetesClient client, RolloutSettings s, Consumer<Boolean> onLeading) {
    String me = s.identity();
    LeaderCallbacks callbacks =
        new LeaderCallbacks(
            () -> {
              leader = true;
              log.info("{} leads rollouts (Lease {}/{})", me, s.leaseNamespace(), s.leaseName());
              onLeading.accept(true);
            },
            () -> {
              leader = false;
              log.info("{} no longer leads rollouts", me);
              onLeading.accept(false);
            },
            newLeader -> log.info("rollout leader is now {}", newLeader));
    running =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName("turnout-controller")
                    .withLock(new LeaseLock(s.leaseNamespace(), s.leaseName(), me))
                    .withLeaseDuration(s.leaseDuration())
                    .withRenewDeadline(s.renewDeadline())
                    .withRetryPeriod(s.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(callbacks)
                    .build())
            .build()
            .start();
  }

  public static LeaderLease start(
      KubernetesClient client, RolloutSettings settings, Consumer<Boolean> onLeading) {
    return new LeaderLease(client, settings, onLeading);
  }

  public boolean leader() {
    return leader;
  }

  @Override
  public void close() {
    running.cancel(true);
  }
}
