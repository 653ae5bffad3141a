package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Warning Event on a Service that was left out of the snapshot, so {@code kubectl describe
 * svc} shows why. Only {@code create} is used (the controller's RBAC has create/patch on events):
 * each Event gets a unique name, as client-go's recorder does, and the reconciler reports a Service
 * only when its problem first appears or changes, so a resync writes nothing.
 *
 * <p>Threads: {@link #rejected} is called on the reconciler thread and only queues; the API call
 * runs on the recorder's own thread, so a slow API server never delays a snapshot. The queue is
 * bounded; when it is full the Event is dropped and counted (the log line and metric still exist).
 */
public final class EventRecorder implements Reconciler.RejectionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final String COMPONENT = "turnout-controller";

  private final KubernetesClient client;
  private final ClusterView view;
  private final ThreadPoolExecutor thread;
  private final String instance;
  private final Counter written;
  private final Counter failed;

  public EventRecorder(KubernetesClient client, ClusterView view, MeterRegistry registry) {
    this.client = client;
    this.view = view;
    this.thread =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1000),
            r -> {
              Thread t = new Thread(r, "turnout-events");
              t.setDaemon(true);
              return t;
            });
    this.instance = hostname();
    this.written =
        Counter.builder("turnout.controller.events")
            .tag("result", "written")
            .description("Kubernetes Events written about rejected Services")
            .register(registry);
    this.failed =
        Counter.builder("turnout.controller.events").tag("result", "failed").register(registry);
  }

  @Override
  public void rejected(Rejection rejection) {
    Service service = view.service(rejection.key());
    if (service == null) {
      return;
    }
    try {
      thread.execute(() -> write(service, rejection));
    } catch (RejectedExecutionException full) {
      failed.increment();
    }
  }

  /** Queues a Warning Event on a Service (a rolled-back rollout), never blocking the caller. */
  public void warning(Service service, String reason, String message) {
    try {
      thread.execute(() -> write(service, reason, message));
    } catch (RejectedExecutionException full) {
      failed.increment();
    }
  }

  private void write(Service service, Rejection rejection) {
    write(
        service,
        rejection.kind().eventReason(),
        "left out of the Turnout routing snapshot: " + rejection.message());
  }

  private void write(Service service, String reason, String message) {
    String ns = service.getMetadata().getNamespace();
    String name = service.getMetadata().getName();
    Instant at = Instant.now();
    String now = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    // client-go names Events <object>.<unix nanos in hex>: unique without a read first.
    String eventName =
        name + "." + Long.toHexString(at.getEpochSecond() * 1_000_000_000L + at.getNano());
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(eventName)
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind("Service")
            .withNamespace(ns)
            .withName(name)
            .withUid(service.getMetadata().getUid())
            .withResourceVersion(service.getMetadata().getResourceVersion())
            .endInvolvedObject()
            .withType("Warning")
            .withReason(reason)
            .withMessage(message)
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource()
            .withComponent(COMPONENT)
            .withHost(instance)
            .endSource()
            .withReportingComponent(COMPONENT)
            .withReportingInstance(instance)
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
      written.increment();
    } catch (RuntimeException e) {
      failed.increment();
      log.warn("cannot write an Event on Service {}/{}: {}", ns, name, e.toString());
    }
  }

  private static String hostname() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return COMPONENT;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
