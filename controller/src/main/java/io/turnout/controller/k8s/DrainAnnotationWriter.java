package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps drain stamps as the {@link Annotations#DRAINING_SINCE} annotation of each Service, with a
 * JSON merge patch (RBAC: {@code patch} on services).
 *
 * <p>Why on the Service and not in a ConfigMap of the controller's own: the stamp lives and dies
 * with the object it describes (no entries to collect after a Service goes), every replica reads it
 * from the informer cache it already has (no extra watch, no namespace to configure), one Service's
 * write never contends with another's, and {@code kubectl get svc -o yaml} shows it.
 *
 * <p>Each patch carries the {@code resourceVersion} the cache holds, so the API server refuses it
 * (409) if the Service changed meanwhile: when two controller replicas see the same stop, the first
 * write wins and the other adopts it from its cache; a refused write is never retried blindly, the
 * change that caused it triggers a rebuild that asks again if still needed.
 *
 * <p>Threads: {@link #write} runs on the reconciler thread and only records the wish; the API calls
 * run on the writer's own thread ("turnout-drain-stamps"), so a slow API server never delays a
 * snapshot. Several wishes for one Service before the thread gets to it collapse into the last.
 */
public final class DrainAnnotationWriter implements DrainStampWriter, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DrainAnnotationWriter.class);

  private final KubernetesClient client;
  private final ClusterView view;
  private final ExecutorService thread;
  private final Map<String, Optional<Long>> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final Counter written;
  private final Counter failed;

  public DrainAnnotationWriter(KubernetesClient client, ClusterView view, MeterRegistry registry) {
    this.client = client;
    this.view = view;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-drain-stamps");
              t.setDaemon(true);
              return t;
            });
    this.written =
        Counter.builder("turnout.controller.drain.stamps")
            .tag("result", "written")
            .description("turnout.io/draining-since annotations set or removed on Services")
            .register(registry);
    this.failed =
        Counter.builder("turnout.controller.drain.stamps")
            .tag("result", "failed")
            .register(registry);
  }

  @Override
  public void write(String serviceKey, Long drainingSince) {
    pending.put(serviceKey, Optional.ofNullable(drainingSince));
    if (scheduled.compareAndSet(false, true)) {
      try {
        thread.execute(this::writePending);
      } catch (RejectedExecutionException closed) {
        // closing: a restarted controller derives the same stamps again
      }
    }
  }

  private void writePending() {
    // Cleared first, so a wish recorded while we write schedules another round.
    scheduled.set(false);
    for (Iterator<Map.Entry<String, Optional<Long>>> it = pending.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, Optional<Long>> e = it.next();
      it.remove();
      patch(e.getKey(), e.getValue().orElse(null));
    }
  }

  private void patch(String key, Long since) {
    Service cached = view.service(key);
    if (cached == null) {
      return; // deleted: its stamp lives on in the snapshot only
    }
    Map<String, String> annotations = cached.getMetadata().getAnnotations();
    String current = annotations == null ? null : annotations.get(Annotations.DRAINING_SINCE);
    Long recorded = current == null ? null : DrainLedger.parse(current);
    if (Objects.equals(recorded, since) && (current == null) == (since == null)) {
      return; // the cache already has it (our earlier write, or another replica's)
    }
    String value = since == null ? "null" : "\"" + DrainLedger.format(since) + "\"";
    String body =
        "{\"metadata\":{\"resourceVersion\":\""
            + cached.getMetadata().getResourceVersion()
            + "\",\"annotations\":{\""
            + Annotations.DRAINING_SINCE
            + "\":"
            + value
            + "}}}";
    String ns = cached.getMetadata().getNamespace();
    String name = cached.getMetadata().getName();
    try {
      client
          .services()
          .inNamespace(ns)
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), body);
      written.increment();
      log.info(
          "Service {}: {} {}",
          key,
          Annotations.DRAINING_SINCE,
          since == null ? "removed" : DrainLedger.format(since));
    } catch (KubernetesClientException e) {
      failed.increment();
      if (e.getCode() == 409) {
        log.debug("Service {} changed before its drain stamp was written; rebuild decides", key);
      } else {
        log.warn(
            "cannot write {} on Service {} (a restarted controller would not know this drain): {}",
            Annotations.DRAINING_SINCE,
            key,
            e.getMessage());
      }
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
