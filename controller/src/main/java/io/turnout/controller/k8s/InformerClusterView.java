package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * fabric8 informers on Services and EndpointSlices, one pair per watched namespace (or one pair for
 * all namespaces), and the {@link ClusterView} over their caches.
 *
 * <p>Threads: informer callbacks run on fabric8's informer threads and only hand a key to {@code
 * enqueue}; the caches are fabric8's thread-safe stores, read by the reconciler thread.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {
  private static final String BY_SERVICE = "turnout.service";
  private static final String ALL = "";

  private final Map<String, SharedIndexInformer<Service>> services = new LinkedHashMap<>();
  private final Map<String, SharedIndexInformer<EndpointSlice>> slices = new LinkedHashMap<>();

  private InformerClusterView() {}

  /**
   * Creates (does not start) the informers.
   *
   * @param namespaces the namespaces to watch; empty for all
   */
  public static InformerClusterView create(KubernetesClient client, List<String> namespaces) {
    InformerClusterView view = new InformerClusterView();
    List<String> scopes = namespaces.isEmpty() ? List.of(ALL) : List.copyOf(namespaces);
    for (String ns : scopes) {
      var svc =
          ns.equals(ALL) ? client.services().inAnyNamespace() : client.services().inNamespace(ns);
      var eps =
          ns.equals(ALL)
              ? client.discovery().v1().endpointSlices().inAnyNamespace()
              : client.discovery().v1().endpointSlices().inNamespace(ns);
      view.services.put(ns, svc.runnableInformer(0));
      SharedIndexInformer<EndpointSlice> sliceInformer = eps.runnableInformer(0);
      sliceInformer.addIndexers(
          Map.of(
              BY_SERVICE,
              slice -> {
                String key = ServiceTranslator.serviceKeyOf(slice);
                return key == null ? List.of() : List.of(key);
              }));
      view.slices.put(ns, sliceInformer);
    }
    return view;
  }

  /**
   * Adds the handlers and starts every informer.
   *
   * @param enqueue gets the key of each Service whose translation may have changed; called on
   *     informer threads, must not block
   * @return completes when every cache has synced
   */
  public CompletableFuture<Void> start(Consumer<String> enqueue) {
    ResourceEventHandler<Service> onService =
        new KeyHandler<>(s -> ServiceTranslator.keyOf(s), enqueue);
    ResourceEventHandler<EndpointSlice> onSlice =
        new KeyHandler<>(ServiceTranslator::serviceKeyOf, enqueue);
    List<CompletableFuture<Void>> synced = new ArrayList<>();
    for (SharedIndexInformer<Service> i : services.values()) {
      i.addEventHandler(onService);
      synced.add(Informers.startRetrying(i));
    }
    for (SharedIndexInformer<EndpointSlice> i : slices.values()) {
      i.addEventHandler(onSlice);
      synced.add(Informers.startRetrying(i));
    }
    return CompletableFuture.allOf(synced.toArray(CompletableFuture[]::new));
  }

  @Override
  public boolean hasSynced() {
    for (SharedIndexInformer<Service> i : services.values()) {
      if (!i.hasSynced()) {
        return false;
      }
    }
    for (SharedIndexInformer<EndpointSlice> i : slices.values()) {
      if (!i.hasSynced()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public Service service(String key) {
    SharedIndexInformer<Service> informer = informerFor(services, key);
    return informer == null ? null : informer.getStore().getByKey(key);
  }

  /** Every Service in the caches (the rollout engine looks for rollout annotations here). */
  public List<Service> services() {
    List<Service> out = new java.util.ArrayList<>();
    for (SharedIndexInformer<Service> i : services.values()) {
      out.addAll(i.getStore().list());
    }
    return out;
  }

  @Override
  public List<EndpointSlice> slicesOf(String serviceKey) {
    SharedIndexInformer<EndpointSlice> informer = informerFor(slices, serviceKey);
    return informer == null ? List.of() : informer.getIndexer().byIndex(BY_SERVICE, serviceKey);
  }

  private static <T> SharedIndexInformer<T> informerFor(
      Map<String, SharedIndexInformer<T>> informers, String key) {
    SharedIndexInformer<T> all = informers.get(ALL);
    if (all != null) {
      return all;
    }
    int slash = key.indexOf('/');
    return slash < 0 ? null : informers.get(key.substring(0, slash));
  }

  @Override
  public void close() {
    services.values().forEach(SharedIndexInformer::close);
    slices.values().forEach(SharedIndexInformer::close);
  }

  /** Turns every event into the key of the Service it concerns; nothing else. */
  private static final class KeyHandler<T> implements ResourceEventHandler<T> {
    private final java.util.function.Function<T, String> keyOf;
    private final Consumer<String> enqueue;

    KeyHandler(java.util.function.Function<T, String> keyOf, Consumer<String> enqueue) {
      this.keyOf = keyOf;
      this.enqueue = enqueue;
    }

    @Override
    public void onAdd(T obj) {
      offer(obj);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
      String before = keyOf.apply(oldObj);
      String after = keyOf.apply(newObj);
      offer(newObj);
      if (before != null && !Objects.equals(before, after)) {
        enqueue.accept(before); // a slice relabelled to another Service leaves the old one
      }
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
      offer(obj);
    }

    private void offer(T obj) {
      String key = obj == null ? null : keyOf.apply(obj);
      if (key != null) {
        enqueue.accept(key);
      }
    }
  }
}
