package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;

/**
 * Read-only access to the cluster state the snapshot is built from: in production the informer
 * caches, in tests and benchmarks a map. Reads never go to the API server.
 *
 * <p>Implementations are safe to read from any thread.
 */
public interface ClusterView {
  /** True once every cache has its initial list; until then a snapshot would miss Services. */
  boolean hasSynced();

  /** The Service {@code namespace/name}, or null. */
  Service service(String key);

  /** The EndpointSlices labelled for the Service {@code namespace/name} (maybe none). */
  List<EndpointSlice> slicesOf(String serviceKey);
}
