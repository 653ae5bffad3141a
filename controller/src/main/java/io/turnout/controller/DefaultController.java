package io.turnout.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.turnout.controller.k8s.EventRecorder;
import io.turnout.controller.k8s.HostOwnership;
import io.turnout.controller.k8s.InformerClusterView;
import io.turnout.controller.k8s.Reconciler;
import io.turnout.controller.server.SnapshotServer;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring of {@link Controller}. Threads: built and closed by the caller's thread; the parts run on
 * their own threads (informers, "turnout-reconciler", "turnout-events", "turnout-http").
 */
final class DefaultController implements Controller {
  private static final Logger log = LoggerFactory.getLogger(DefaultController.class);

  private final InformerClusterView view;
  private final Reconciler reconciler;
  private final SnapshotServer server;
  private final EventRecorder events;

  private DefaultController(
      InformerClusterView view,
      Reconciler reconciler,
      SnapshotServer server,
      EventRecorder events) {
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
    SnapshotServer server =
        SnapshotServer.start(
            settings.server(),
            () -> view.hasSynced() && reconcilerRef[0].current() != null,
            registry);
    Reconciler reconciler =
        Reconciler.create(
            view,
            settings.coalesce(),
            server::publish,
            events,
            registry,
            Clock.systemUTC(),
            HostOwnership.trusting(settings.trustedNamespaces()));
    reconcilerRef[0] = reconciler;
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
    return new DefaultController(view, reconciler, server, events);
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
  public Snapshot current() {
    return reconciler.current();
  }

  @Override
  public void close() {
    view.close();
    reconciler.close();
    events.close();
    server.close();
  }
}
