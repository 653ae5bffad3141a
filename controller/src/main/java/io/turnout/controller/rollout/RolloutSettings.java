package io.turnout.controller.rollout;

import java.time.Duration;
import java.util.UUID;

/**
 * How the controller takes part in rollouts.
 *
 * @param enabled false: never lead, never act on rollouts (snapshots are served either way)
 * @param leaseNamespace namespace of the Lease the replicas compete for
 * @param leaseName name of that Lease
 * @param identity this replica's name in the Lease (unique per process)
 * @param leaseDuration how long a leader's claim lasts without renewal; a crashed leader is
 *     replaced after at most this long
 * @param renewDeadline a leader that cannot renew for this long steps down
 * @param retryPeriod how often candidates try, and leaders renew
 * @param tick how often the leader looks at running rollouts; a failing step is rolled back within
 *     about a tick plus one gateway report (1 s) of its numbers crossing a limit
 */
public record RolloutSettings(
    boolean enabled,
    String leaseNamespace,
    String leaseName,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    Duration tick) {

  public static RolloutSettings defaults() {
    String ns = System.getenv("POD_NAMESPACE");
    return new RolloutSettings(
        true,
        ns == null || ns.isBlank() ? "default" : ns,
        "turnout-controller",
        defaultIdentity(),
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        Duration.ofMillis(500));
  }

  /** The pod name (HOSTNAME) plus a random suffix: two processes never share an identity. */
  static String defaultIdentity() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "turnout-controller" : host)
        + "-"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  public RolloutSettings withLease(String namespace, String name) {
    return new RolloutSettings(
        enabled, namespace, name, identity, leaseDuration, renewDeadline, retryPeriod, tick);
  }

  public RolloutSettings withTimings(Duration lease, Duration renew, Duration retry, Duration t) {
    return new RolloutSettings(
        enabled, leaseNamespace, leaseName, identity, lease, renew, retry, t);
  }

  public RolloutSettings disabled() {
    return new RolloutSettings(
        false,
        leaseNamespace,
        leaseName,
        identity,
        leaseDuration,
        renewDeadline,
        retryPeriod,
        tick);
  }
}
