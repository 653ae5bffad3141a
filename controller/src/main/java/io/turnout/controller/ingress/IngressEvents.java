package io.turnout.controller.ingress;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a Warning Event on an Ingress left out of the snapshot, so {@code kubectl describe
 * ingress} shows why (the Ingress status has no place for a reason). Only {@code create}, with
 * client-go's unique names, as the Services' recorder does.
 *
 * <p>Threads: {@link #refused} is called on the reconciler thread and only queues on the executor
 * it is given (the Ingress status thread), so a slow API server never delays a snapshot.
 */
final class IngressEvents {
  private static final Logger log = LoggerFactory.getLogger(IngressEvents.class);
  static final String REASON = "IngressRefused";

  private final KubernetesClient client;
  private final Executor thread;

  IngressEvents(KubernetesClient client, Executor thread) {
    this.client = client;
    this.thread = thread;
  }

  void refused(Ingress ingress, String message) {
    try {
      thread.execute(() -> write(ingress, message));
    } catch (RejectedExecutionException closedOrFull) {
      log.warn("Event for Ingress {} dropped", ingress.getMetadata().getName());
    }
  }

  private void write(Ingress ingress, String message) {
    String ns = ingress.getMetadata().getNamespace();
    String name = ingress.getMetadata().getName();
    Instant at = Instant.now();
    String now = DateTimeFormatter.ISO_INSTANT.format(at.truncatedTo(ChronoUnit.SECONDS));
    Event event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                name + "." + Long.toHexString(at.getEpochSecond() * 1_000_000_000L + at.getNano()))
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("networking.k8s.io/v1")
            .withKind("Ingress")
            .withNamespace(ns)
            .withName(name)
            .withUid(ingress.getMetadata().getUid())
            .endInvolvedObject()
            .withType("Warning")
            .withReason(REASON)
            .withMessage("left out of the Turnout routing snapshot: " + message)
            .withCount(1)
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withNewSource()
            .withComponent("turnout-controller")
            .endSource()
            .withReportingComponent("turnout-controller")
            .build();
    try {
      client.v1().events().inNamespace(ns).resource(event).create();
    } catch (RuntimeException e) {
      log.warn("cannot write an Event on Ingress {}/{}: {}", ns, name, e.toString());
    }
  }
}
