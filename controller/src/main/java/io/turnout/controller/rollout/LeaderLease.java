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
 * true when this replica starts leading and false when it stops. A new election run starts on the
 * common pool's delayed executor.
 */
public final class LeaderLease implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

  private final KubernetesClient client;
  private final RolloutSettings settings;
  private final LeaderCallbacks callbacks;
  private volatile boolean leader;
  private volatile boolean closed;
  private volatile CompletableFuture<?> running;

  private LeaderLease(KubernetesClient client, RolloutSettings s, Consumer<Boolean> onLeading) {
    this.client = client;
    this.settings = s;
    String me = s.identity();
    this.callbacks =
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
    elect();
  }

  /**
   * Joins the election. fabric8's elector ends for good when its leader cannot renew in time (an
   * API server that stalls, a long GC pause); this replica then joins again as a candidate, or it
   * would never lead again and, were every replica to lose the lease that way, nobody would.
   */
  private void elect() {
    if (closed) {
      return;
    }
    CompletableFuture<?> f =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName("turnout-controller")
                    .withLock(
                        new LeaseLock(
                            settings.leaseNamespace(), settings.leaseName(), settings.identity()))
                    .withLeaseDuration(settings.leaseDuration())
                    .withRenewDeadline(settings.renewDeadline())
                    .withRetryPeriod(settings.retryPeriod())
                    .withReleaseOnCancel(true)
                    .withLeaderCallbacks(callbacks)
                    .build())
            .build()
            .start();
    running = f;
    f.whenComplete(
        (ok, failure) -> {
          if (!closed) {
            log.info("{} lost the election run; joining again", settings.identity());
            CompletableFuture.delayedExecutor(
                    settings.retryPeriod().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .execute(this::elect);
          }
        });
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
    closed = true;
    running.cancel(true);
  }
}
