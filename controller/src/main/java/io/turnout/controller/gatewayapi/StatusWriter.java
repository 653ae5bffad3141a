package io.turnout.controller.gatewayapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Gateway API statuses to the status subresource, off the reconciler and informer threads:
 * only what differs from what the object has (conditions compared without {@code
 * lastTransitionTime}), the latest wish per object (older ones are dropped), and at most one write
 * per {@code minGap}, so a burst of passes cannot flood the API server.
 *
 * <p>Threads: {@link #offer} from the reconciler thread (never blocks); writes on the single
 * "turnout-gateway-status" thread, which owns {@code written}.
 */
final class StatusWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StatusWriter.class);

  /** One object's wanted status. */
  record Wish<T extends HasMetadata>(
      Class<T> type,
      String namespace,
      String name,
      Object status,
      Function<T, Object> statusOf,
      UnaryOperator<T> withStatus) {}

  private final KubernetesClient client;
  private final long minGapNanos;
  private final ScheduledExecutorService thread;
  private final Map<String, Wish<?>> pending = new LinkedHashMap<>(); // guarded by this
  private boolean scheduled; // guarded by this
  private final Map<String, JsonNode> written = new HashMap<>(); // writer thread only

  StatusWriter(KubernetesClient client, Duration minGap) {
    this.client = client;
    this.minGapNanos = minGap.toNanos();
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-gateway-status");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Asks for {@code wish}; a no-op when the object already has it.
   *
   * @param current the object as the cache has it (to skip equal statuses without a request)
   */
  <T extends HasMetadata> void offer(Wish<T> wish, T current) {
    JsonNode want = comparable(wish.status());
    if (current != null && want.equals(comparable(wish.statusOf().apply(current)))) {
      return;
    }
    String key = key(wish);
    synchronized (this) {
      pending.put(key, wish);
      if (!scheduled) {
        scheduled = true;
        schedule(0);
      }
    }
  }

  private void schedule(long delayNanos) {
    try {
      thread.schedule(this::writeOne, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      // closing
    }
  }

  private void writeOne() {
    Wish<?> wish;
    synchronized (this) {
      Iterator<Map.Entry<String, Wish<?>>> it = pending.entrySet().iterator();
      if (!it.hasNext()) {
        scheduled = false;
        return;
      }
      wish = it.next().getValue();
      it.remove();
    }
    boolean wrote = false;
    try {
      wrote = write(wish);
    } catch (KubernetesClientException e) {
      // A conflict or a gone object: the next pass offers again what is still wanted.
      log.debug("status of {} not written: {}", key(wish), e.getMessage());
      written.remove(key(wish));
    } catch (RuntimeException e) {
      log.warn("status of {} not written", key(wish), e);
    }
    schedule(wrote ? minGapNanos : 0);
  }

  private <T extends HasMetadata> boolean write(Wish<T> wish) {
    String key = key(wish);
    JsonNode want = comparable(wish.status());
    if (want.equals(written.get(key))) {
      return false;
    }
    var resource =
        wish.namespace() == null
            ? client.resources(wish.type()).withName(wish.name())
            : client.resources(wish.type()).inNamespace(wish.namespace()).withName(wish.name());
    T fresh = resource.get();
    if (fresh == null) {
      return false;
    }
    if (want.equals(comparable(wish.statusOf().apply(fresh)))) {
      written.put(key, want);
      return false;
    }
    client.resource(wish.withStatus().apply(fresh)).updateStatus();
    written.put(key, want);
    return true;
  }

  private static String key(Wish<?> w) {
    return w.type().getSimpleName() + " " + w.namespace() + "/" + w.name();
  }

  /** The status as JSON without transition times: equal content, equal node. */
  static JsonNode comparable(Object status) {
    JsonNode node = Serialization.jsonMapper().valueToTree(status);
    strip(node);
    return node;
  }

  private static void strip(JsonNode node) {
    if (node instanceof ObjectNode o) {
      o.remove("lastTransitionTime");
    }
    for (JsonNode child : node) {
      strip(child);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
