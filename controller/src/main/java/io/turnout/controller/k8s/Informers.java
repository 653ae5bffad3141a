package io.turnout.controller.k8s;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starting the controller's informers, which every route source does the same way. */
public final class Informers {
  private static final Logger log = LoggerFactory.getLogger(Informers.class);

  private Informers() {}

  /**
   * Starts {@code informer} so that it keeps retrying list/watch failures (API server restarts,
   * RBAC fixed later), each logged as a warning, instead of dying. Completes when it first synced.
   */
  public static <T> CompletableFuture<Void> startRetrying(SharedIndexInformer<T> informer) {
    informer.exceptionHandler(
        (started, t) -> {
          log.warn(
              "{} informer: {} (retrying)",
              informer.getApiTypeClass().getSimpleName(),
              t.toString());
          return true;
        });
    return informer.start().toCompletableFuture();
  }
}
