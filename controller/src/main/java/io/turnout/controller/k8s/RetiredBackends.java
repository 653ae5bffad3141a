package io.turnout.controller.k8s;

import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Drains backends removed from a sourced route, the way a deleted Service drains: a version that a
 * route had on the last pass and no longer has stays in that route at weight 0 while its Service
 * has ready endpoints, so pinned clients finish on it; the reconciler stamps its {@code
 * drainingSince} like any version that stops serving.
 *
 * <p>Example: HTTPRoute {@code shop/web} sends 100 to {@code shop-blue}; the backendRef is replaced
 * by {@code shop-green}. The next pass publishes green at 100 and blue at 0 with its pods, stamped
 * draining; once blue's pods are gone (or its Service deleted) blue leaves the route. A route that
 * disappears as a whole (its rule or object deleted) takes its versions with it.
 *
 * <p>Routes are identified by a key the source chooses (e.g. host, object and match). Memory only:
 * a restarted controller forgets retired backends. Owned by the reconciler thread.
 */
public final class RetiredBackends {
  private final ClusterView view;
  private Map<String, Map<String, ServiceBackend>> last = new HashMap<>();
  private Map<String, Map<String, ServiceBackend>> next = new HashMap<>();

  public RetiredBackends(ClusterView view) {
    this.view = view;
  }

  /**
   * The route's versions plus, at weight 0, the backends it had on the last pass and lost.
   *
   * @param routeKey the route's identity across passes
   * @param versions the route's versions now
   * @param backends the Service behind each version name of {@code versions}
   */
  public List<VersionSpec> withRetired(
      String routeKey, List<VersionSpec> versions, Map<String, ServiceBackend> backends) {
    Map<String, ServiceBackend> kept = new HashMap<>(backends);
    List<VersionSpec> out = new ArrayList<>(versions);
    Map<String, ServiceBackend> before = last.getOrDefault(routeKey, Map.of());
    for (Map.Entry<String, ServiceBackend> e : before.entrySet()) {
      if (kept.containsKey(e.getKey())) {
        continue;
      }
      ServiceBackend b = e.getValue();
      List<EndpointSpec> ready =
          ServiceTranslator.readyEndpoints(b.portName(), view.slicesOf(b.serviceKey()));
      if (!ready.isEmpty()) {
        kept.put(e.getKey(), b);
        out.add(new VersionSpec(b.version(), 0, ready));
      }
    }
    next.merge(
        routeKey,
        kept,
        (a, b) -> {
          Map<String, ServiceBackend> both = new HashMap<>(a);
          both.putAll(b);
          return both;
        });
    out.sort(java.util.Comparator.comparing(VersionSpec::name));
    return out;
  }

  /** Ends a pass: what this pass saw becomes "the last pass". */
  public void endPass() {
    last = next;
    next = new HashMap<>();
  }
}
