package io.turnout.controller.k8s;

import io.micrometer.core.instrument.MeterRegistry;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Turns cluster changes into published snapshots. Informer callbacks call {@link #enqueue} with the
 * key of the Service that may have changed and return at once; the reconciler, on its own thread,
 * waits a short coalescing window so a burst (a rollout moving 30 pods) becomes one snapshot,
 * re-translates only the Services enqueued, re-assembles only the hosts they can reach and
 * publishes the snapshot only when its content changed. A whole rebuild every {@link #VERIFY_EVERY}
 * checks the kept state.
 */
public interface Reconciler extends AutoCloseable {
  /** Receives every new snapshot, in order, on the reconciler thread. Must not block. */
  @FunctionalInterface
  interface Publisher {
    void publish(Snapshot snapshot);

    /**
     * As {@link #publish(Snapshot)}, also naming what changed since the last snapshot published.
     *
     * @param changed host name -> its new form, or null for a host that went; every other host is
     *     the same as in the last snapshot
     */
    default void publish(Snapshot snapshot, Map<String, HostSpec> changed) {
      publish(snapshot);
    }
  }

  /** How often the reconciler compares its incrementally kept hosts with a whole rebuild. */
  Duration VERIFY_EVERY = Duration.ofMinutes(5);

  /** Told when a Service starts or stops being rejected (not on every rebuild). */
  interface RejectionListener {
    void rejected(Rejection rejection);

    default void accepted(String key) {}
  }

  /**
   * What a reconciler is built with besides its caches, its outputs and its clock.
   *
   * @param drainStamps where each version's drain stamp is kept across controller restarts
   * @param ownership which namespaces may claim broad wildcards ({@code --trusted-namespaces})
   * @param sources other sources of whole hosts (Gateway API, Ingress), merged with the Services'
   *     hosts on every pass; the reconciler waits for them to sync
   * @param verifyEvery how often the kept hosts are compared with a whole rebuild (zero: after
   *     every rebuild, for tests)
   */
  record Options(
      DrainStampWriter drainStamps,
      HostOwnership ownership,
      List<RouteSource> sources,
      Duration verifyEvery) {
    public Options {
      sources = List.copyOf(sources);
    }

    /** No drain stamps kept, no namespace trusted, no other source, a check every 5 minutes. */
    public static Options defaults() {
      return new Options(
          DrainStampWriter.none(), HostOwnership.trustingNone(), List.of(), VERIFY_EVERY);
    }

    public Options withDrainStamps(DrainStampWriter w) {
      return new Options(w, ownership, sources, verifyEvery);
    }

    public Options withOwnership(HostOwnership o) {
      return new Options(drainStamps, o, sources, verifyEvery);
    }

    public Options withSources(List<RouteSource> s) {
      return new Options(drainStamps, ownership, s, verifyEvery);
    }

    public Options withVerifyEvery(Duration d) {
      return new Options(drainStamps, ownership, sources, d);
    }
  }

  /**
   * A reconciler with {@link Options#defaults()}.
   *
   * @param view the caches to read
   * @param coalesce how long to gather changes before rebuilding
   * @param clock seeds versions (see {@link #nextVersion}) and stamps drains
   */
  static Reconciler create(
      ClusterView view,
      Duration coalesce,
      Publisher publisher,
      RejectionListener listener,
      MeterRegistry registry,
      Clock clock) {
    return create(view, coalesce, publisher, listener, registry, clock, Options.defaults());
  }

  /**
   * @param view the caches to read
   * @param coalesce how long to gather changes before rebuilding
   * @param clock seeds versions (see {@link #nextVersion}) and stamps drains
   */
  static Reconciler create(
      ClusterView view,
      Duration coalesce,
      Publisher publisher,
      RejectionListener listener,
      MeterRegistry registry,
      Clock clock,
      Options options) {
    return new CoalescingReconciler(view, coalesce, publisher, listener, registry, clock, options);
  }

  /**
   * The version of the next snapshot: {@code max(previous + 1, wall-clock millis)}.
   *
   * <p>Why wall-clock: a restarted controller has forgotten its last version, and gateways (and
   * their {@code Last-Event-ID}) must still see numbers that grow. Seeding from the clock keeps the
   * numbers increasing across restarts, and across replicas roughly in step, as long as clocks do
   * not jump back by more than the downtime. Coalescing means at most a few dozen snapshots per
   * second, so versions never run ahead of the clock by much. The {@code previous + 1} keeps them
   * strictly increasing within a process even if the clock steps back.
   */
  static long nextVersion(long previous, Clock clock) {
    return Math.max(previous + 1, clock.millis());
  }

  /** Marks the Service {@code namespace/name} for re-translation. Thread-safe, never blocks. */
  void enqueue(String serviceKey);

  /** Asks for a rebuild now even with nothing enqueued (e.g. when the caches have synced). */
  void kick();

  /**
   * Runs a rebuild now on the reconciler thread and completes with the current snapshot (null while
   * the caches have not synced). For tests, benchmarks and shutdown.
   */
  CompletableFuture<Snapshot> flush();

  /** The last published snapshot, or null. */
  Snapshot current();

  /**
   * Runs a rebuild of what is enqueued, then a whole rebuild, on the reconciler thread, and
   * completes with false when the whole rebuild differed from the incrementally kept hosts (which
   * it then publishes). For tests and benchmarks.
   */
  CompletableFuture<Boolean> verify();

  @Override
  void close();
}
