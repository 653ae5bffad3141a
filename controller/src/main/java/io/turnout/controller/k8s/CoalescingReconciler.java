package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.turnout.controller.k8s.Rejection.Kind;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Reconciler}: one thread, a set of dirty keys, the last translation of every Service
 * and the assembled hosts ({@link HostAssembly}), so a change re-translates its Services and
 * re-assembles only the hosts they reach. A whole rebuild runs first, after a failure and every
 * {@code verifyEvery}, compared with the kept hosts.
 *
 * <p>Threads: {@link #enqueue} and {@link #kick} are called from informer threads and only touch
 * the concurrent {@code dirty} set and the {@code scheduled} flag. Everything else ({@code routes},
 * {@code deleted}, the rejection maps, the assembly, {@code current}'s writes) is owned by the
 * single "turnout-reconciler" thread. {@code current} is volatile for readers elsewhere.
 */
final class CoalescingReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(CoalescingReconciler.class);

  private final ClusterView view;
  private final long coalesceNanos;
  private final Publisher publisher;
  private final RejectionListener listener;
  private final Clock clock;
  private final HostAssembly assembly;
  private final SourceMerger sources;
  private final long verifyEveryNanos;
  private final ScheduledExecutorService thread;

  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean scheduled = new AtomicBoolean();

  // Reconciler thread only.
  private final Map<String, ServiceRoute> routes = new HashMap<>();
  private final Map<String, ServiceRoute> deleted = new HashMap<>();
  private final Map<String, Rejection> translationRejections = new HashMap<>();
  private Map<String, Rejection> reported = new HashMap<>();
  private boolean wholeNext;
  private boolean sourcedLast; // the last pass had routes from another source
  private long lastWholeNanos;
  private volatile Snapshot current;

  private final Timer buildTimer;
  private final Map<Kind, Counter> rejectedCounters = new EnumMap<>(Kind.class);
  private final AtomicLong snapshotVersion = new AtomicLong();
  private final AtomicLong servicesAccepted = new AtomicLong();
  private final AtomicLong servicesRejected = new AtomicLong();
  private final Counter published;
  private final Counter drift;

  CoalescingReconciler(
      ClusterView view,
      Duration coalesce,
      Publisher publisher,
      RejectionListener listener,
      MeterRegistry registry,
      Clock clock,
      Options options) {
    this.view = view;
    this.sources = new SourceMerger(options.sources());
    this.assembly =
        new HostAssembly(options.ownership(), new DrainLedger(view, options.drainStamps(), clock));
    this.verifyEveryNanos = options.verifyEvery().toNanos();
    this.coalesceNanos = coalesce.toNanos();
    this.publisher = publisher;
    this.listener = listener;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-reconciler");
              t.setDaemon(true);
              return t;
            });
    this.buildTimer =
        Timer.builder("turnout.controller.snapshot.build")
            .description("Time to rebuild the routing snapshot from the informer caches")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
    for (Kind kind : Kind.values()) {
      rejectedCounters.put(
          kind,
          Counter.builder("turnout.controller.services.rejected")
              .description("Services left out of the snapshot, counted when they become bad")
              .tag("reason", kind.tag())
              .register(registry));
    }
    Gauge.builder("turnout.controller.snapshot.version", snapshotVersion, AtomicLong::get)
        .description("Version of the last published snapshot")
        .register(registry);
    Gauge.builder("turnout.controller.services", servicesAccepted, AtomicLong::get)
        .tag("state", "accepted")
        .description("Services with turnout.io/host, by state")
        .register(registry);
    Gauge.builder("turnout.controller.services", servicesRejected, AtomicLong::get)
        .tag("state", "rejected")
        .register(registry);
    this.published =
        Counter.builder("turnout.controller.snapshots.published")
            .description("Snapshots published (only changed ones)")
            .register(registry);
    this.drift =
        Counter.builder("turnout.controller.snapshot.drift")
            .description(
                "Times the incrementally kept snapshot differed from a whole rebuild (a bug)")
            .register(registry);
  }

  @Override
  public void enqueue(String serviceKey) {
    dirty.add(serviceKey);
    schedule();
  }

  @Override
  public void kick() {
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        thread.schedule(this::runScheduled, coalesceNanos, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException closed) {
        // closing: nothing more to publish
      }
    }
  }

  private void runScheduled() {
    // Cleared before reading `dirty`, so a key enqueued while we rebuild schedules another run.
    scheduled.set(false);
    reconcile();
  }

  @Override
  public CompletableFuture<Snapshot> flush() {
    CompletableFuture<Snapshot> done = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              reconcile();
              done.complete(current);
            } catch (Throwable t) {
              done.completeExceptionally(t);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public Snapshot current() {
    return current;
  }

  @Override
  public CompletableFuture<Boolean> verify() {
    CompletableFuture<Boolean> done = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              reconcile();
              if (current == null) {
                done.complete(true);
                return;
              }
              double before = drift.count();
              rebuildWhole(current.version(), true, sources.collect());
              done.complete(drift.count() == before);
            } catch (Throwable t) {
              done.completeExceptionally(t);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  private void reconcile() {
    if (!view.hasSynced() || !sources.hasSynced()) {
      return; // keys stay dirty; the sync completion kicks us again
    }
    long start = System.nanoTime();
    try {
      // Drained one by one: removeAll(list) on a set of the same size is quadratic.
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = dirty.iterator(); it.hasNext(); ) {
        keys.add(it.next());
        it.remove();
      }
      retranslate(keys);
      Snapshot last = current;
      // While another source routes hosts, every pass is a whole one: its objects and the
      // Services decide host ownership together, and a source only says that something changed.
      SourceMerger.Pass sourced = sources.collect();
      boolean withSources = !sourced.isEmpty();
      if (last == null || wholeNext || withSources || sourcedLast) {
        sourcedLast = withSources;
        rebuildWhole(last == null ? -1 : last.version(), false, sourced);
        return;
      }
      if (!keys.isEmpty()) {
        // Only the hosts these Services can reach; see HostAssembly.
        wholeNext = !commit(assembly.assembleTouched(keys, this::routeOf, last.version()));
      }
      if (start - lastWholeNanos >= verifyEveryNanos) {
        rebuildWhole(current.version(), true, sourced);
      }
    } catch (RuntimeException e) {
      wholeNext = true;
      log.error("snapshot rebuild failed; keeping the last one", e);
    } finally {
      buildTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Assembles every route, as after a start. When {@code verifying}, the kept hosts should come out
   * the same; if they do not (a bug in what a change reaches), the difference is logged, counted
   * and the whole rebuild published, so the kept state never drifts for longer than {@code
   * verifyEvery}.
   */
  private void rebuildWhole(long lastVersion, boolean verifying, SourceMerger.Pass sourced) {
    lastWholeNanos = System.nanoTime();
    List<ServiceRoute> all = new ArrayList<>(routes.size() + deleted.size());
    all.addAll(routes.values());
    all.addAll(deleted.values());
    HostAssembly.Outcome o = assembly.assembleAll(all, lastVersion, sourced);
    boolean differs = !o.changed().isEmpty() || !o.conflicts().equals(assembly.conflicts());
    if (verifying && differs && dirty.isEmpty()) {
      // With keys dirty the caches moved on since the kept state was built: not a drift.
      drift.increment();
      String first = o.changed().isEmpty() ? null : o.changed().keySet().iterator().next();
      log.error(
          "the incrementally kept snapshot differs from a whole rebuild in hosts {} (conflicts"
              + " kept {}, rebuilt {}; first host kept {}, rebuilt {}); publishing the whole"
              + " rebuild",
          o.changed().keySet(),
          assembly.conflicts().keySet(),
          o.conflicts().keySet(),
          first == null ? null : assembly.hostsByName().get(first),
          first == null ? null : o.changed().get(first));
    }
    wholeNext = !commit(o);
  }

  /**
   * Reports rejections, then validates the changed hosts and publishes them (nothing when nothing
   * changed). Returns false, keeping the last snapshot, when the result does not validate.
   */
  private boolean commit(HostAssembly.Outcome o) {
    Map<String, Rejection> conflicts = new HashMap<>();
    if (!o.whole()) {
      conflicts.putAll(assembly.conflicts());
      conflicts.keySet().removeAll(o.scope());
    }
    conflicts.putAll(o.conflicts());
    Map<String, Rejection> now = new HashMap<>(translationRejections);
    now.putAll(conflicts);
    reportTransitions(now);
    servicesRejected.set(now.size());
    servicesAccepted.set(routes.size() - conflicts.size());

    Snapshot last = current;
    if (last != null && o.changed().isEmpty()) {
      assembly.apply(o);
      return true; // writes only on change: gateways need not hear about a resync
    }
    List<HostSpec> changedHosts = new ArrayList<>(o.changed().size());
    for (HostSpec h : o.changed().values()) {
      if (h != null) {
        changedHosts.add(h);
      }
    }
    long version = Reconciler.nextVersion(last == null ? 0 : last.version(), clock);
    try {
      // The unchanged hosts were validated when they were first published.
      SnapshotValidator.validate(new Snapshot(version, changedHosts));
    } catch (ConfigException e) {
      // The translator checks each Service, so this is a bug; keep serving the last good one.
      log.error("built an invalid snapshot, keeping version {}: {}", versionOf(last), e);
      return false;
    }
    assembly.apply(o);
    Snapshot next = new Snapshot(version, assembly.hosts());
    current = next;
    snapshotVersion.set(next.version());
    published.increment();
    publisher.publish(next, Collections.unmodifiableMap(o.changed()));
    return true;
  }

  /** The route {@code key} contributes now (live, or deleted and draining), or null. */
  private ServiceRoute routeOf(String key) {
    ServiceRoute r = routes.get(key);
    return r != null ? r : deleted.get(key);
  }

  /** Re-translates {@code keys}, updating {@code routes}, {@code deleted} and rejections. */
  private void retranslate(List<String> keys) {
    for (String key : keys) {
      Service service = view.service(key);
      Translation t =
          service == null
              ? Translation.IGNORED
              : ServiceTranslator.translate(service, view.slicesOf(key));
      ServiceRoute previous = routes.remove(key);
      translationRejections.remove(key);
      if (t instanceof Translation.Accepted a) {
        routes.put(key, a.route());
        deleted.remove(key);
      } else if (t instanceof Translation.Rejected r) {
        translationRejections.put(key, r.rejection());
        deleted.remove(key);
      } else if (service == null && (previous != null || deleted.containsKey(key))) {
        // Deleted while serving: keep it at weight 0 while it has ready endpoints, so pinned
        // clients can finish on it. Its slices go when Kubernetes garbage-collects them.
        ServiceRoute base = previous != null ? previous.asDeleted() : deleted.get(key);
        ServiceRoute draining =
            base.withEndpoints(
                ServiceTranslator.readyEndpoints(base.portName(), view.slicesOf(key)));
        if (draining.endpoints().isEmpty()) {
          deleted.remove(key);
        } else {
          deleted.put(key, draining);
        }
      } else {
        deleted.remove(key);
      }
    }
  }

  /** Logs, counts and reports only what changed since the last rebuild. */
  private void reportTransitions(Map<String, Rejection> now) {
    for (Rejection r : now.values()) {
      Rejection before = reported.get(r.key());
      if (before == null || !Objects.equals(before.message(), r.message())) {
        log.warn("Service {} left out of the snapshot: {}", r.key(), r.message());
        rejectedCounters.get(r.kind()).increment();
        listener.rejected(r);
      }
    }
    for (String key : reported.keySet()) {
      if (!now.containsKey(key)) {
        log.info("Service {} is no longer rejected", key);
        listener.accepted(key);
      }
    }
    reported = now;
  }

  private static String versionOf(Snapshot s) {
    return s == null ? "(none)" : Long.toString(s.version());
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
