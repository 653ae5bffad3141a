package io.turnout.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.controller.k8s.DrainAnnotationWriter;
import io.turnout.controller.k8s.EventRecorder;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.InformerClusterView;
import io.turnout.controller.k8s.Reconciler;
import io.turnout.controller.k8s.RouteSource;
import io.turnout.controller.rollout.LeaderLease;
import io.turnout.controller.rollout.RolloutEngine;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.controller.ui.DashboardState;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of {@link Controller}. Threads: built and closed by the caller's thread; the parts run on
 * their own threads (informers, "turnout-reconciler", "turnout-events", "turnout-drain-stamps",
 * "turnout-http", "turnout-ingress-status" with --ingress).
 */
final class DefaultController implements Controller {
  private static final Logger log = LoggerFactory.getLogger(DefaultController.class);

  private final InformerClusterView view;
  private final Reconciler reconciler;
  private final SnapshotServer server;
  private final EventRecorder events;
  private final DrainAnnotationWriter drainStamps;
  private final FleetStats fleet;
  private final RolloutEngine rollouts;
  private final LeaderLease lease;
  private final List<RouteSource> sources;

  private DefaultController(
      InformerClusterView view,
      Reconciler reconciler,
      SnapshotServer server,
      EventRecorder events,
      DrainAnnotationWriter drainStamps,
      FleetStats fleet,
      RolloutEngine rollouts,
      LeaderLease lease,
      List<RouteSource> sources) {
    this.sources = List.copyOf(sources);
    this.drainStamps = drainStamps;
    this.fleet = fleet;
    this.rollouts = rollouts;
    this.lease = lease;
    this.view = view;
    this.reconciler = reconciler;
    this.server = server;
    this.events = events;
  }

  static Controller start(KubernetesClient client, Settings settings) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    InformerClusterView view = InformerClusterView.create(client, settings.namespaces());
    EventRecorder events = new EventRecorder(client, view, registry);
    Reconciler[] reconcilerRef = new Reconciler[1];
    FleetStats fleet = FleetStats.withDefaults();
    RolloutEngine[] rolloutsRef = new RolloutEngine[1];
    DashboardState dashboard =
        new DashboardState(
            () -> reconcilerRef[0] == null ? null : reconcilerRef[0].current(),
            view::services,
            fleet,
            () -> rolloutsRef[0] != null && rolloutsRef[0].leading(),
            System::currentTimeMillis);
    SnapshotServer server =
        SnapshotServer.start(
            settings.server(),
            () -> view.hasSynced() && reconcilerRef[0].current() != null,
            registry,
            fleet,
            dashboard);
    DrainAnnotationWriter drainStamps = new DrainAnnotationWriter(client, view, registry);
    List<RouteSource> sources = RouteSources.detect(client, view, settings);
    Reconciler reconciler =
        Reconciler.create(
            view,
            settings.coalesce(),
            new Reconciler.Publisher() {
              @Override
              public void publish(Snapshot snapshot) {
                server.publish(snapshot);
              }

              @Override
              public void publish(Snapshot snapshot, Map<String, HostSpec> changed) {
                server.publish(snapshot, changed); // the stream compares only these hosts
              }
            },
            events,
            registry,
            Clock.systemUTC(),
            Reconciler.Options.defaults()
                .withDrainStamps(drainStamps)
                .withOwnership(HostOwnership.trusting(settings.trustedNamespaces()))
                .withSources(sources));
    reconcilerRef[0] = reconciler;
    sources.forEach(s -> s.start(reconciler::kick));
    log.info(
        "turnout controller on port {}, watching Services and EndpointSlices in {}",
        server.port(),
        settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces());
    view.start(reconciler::enqueue)
        .whenComplete(
            (ok, failure) -> {
              if (failure != null) {
                log.error("informers failed to start", failure);
              } else {
                log.info(
                    "informers synced ({}); serving snapshots on port {}",
                    settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces(),
                    server.port());
                reconciler.kick();
              }
            });
    RolloutEngine rollouts = null;
    LeaderLease lease = null;
    if (settings.rollouts().enabled()) {
      rollouts =
          RolloutEngine.start(
              client, view::services, fleet, events::warning, settings.rollouts().tick());
      rolloutsRef[0] = rollouts;
      lease = LeaderLease.start(client, settings.rollouts(), rollouts::leading);
    }
    return new DefaultController(
        view, reconciler, server, events, drainStamps, fleet, rollouts, lease, sources);
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public boolean ready() {
    return view.hasSynced() && reconciler.current() != null;
  }

  @Override
  public FleetStats fleet() {
    return fleet;
  }

  @Override
  public Snapshot current() {
    return reconciler.current();
  }

  @Override
  public CompletableFuture<Boolean> verifySnapshot() {
    return reconciler.verify();
  }

  @Override
  public boolean leading() {
    return rollouts != null && rollouts.leading();
  }

  @Override
  public void close() {
    if (rollouts != null) {
      rollouts.close(); // stop acting first, then hand the lease over
      lease.close();
    }
    view.close();
    sources.forEach(RouteSource::close);
    reconciler.close();
    events.close();
    drainStamps.close();
    server.close();
  }
}
