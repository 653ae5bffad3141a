package io.turnout.controller.k8s;

import java.util.List;
import java.util.Map;

/**
 * A source of whole hosts other than Service annotations: the Gateway API's HTTPRoutes, Ingresses.
 * The reconciler merges what every source wants with the Services' hosts on each pass ({@link
 * SourceMerger}):
 *
 * <ul>
 *   <li>every {@link SourcedRoutes#claim() claim} competes with the Services' claims under {@link
 *       HostOwnership} (oldest claim owns a host; one namespace and one kind of object per host);
 *   <li>an object refused is left out as a whole and told why through {@link #refused}, so the
 *       source can put it in the object's status;
 *   <li>the versions of accepted routes are drain-stamped like a Service's ({@code drainingSince}
 *       from the moment a version stops serving). To drain a backend removed from a route, the
 *       source keeps it there at weight 0 while it has ready endpoints ({@link RetiredBackends}).
 * </ul>
 *
 * <p>Threads: {@link #start} is called once by the wiring thread; {@link #hasSynced} from any
 * thread; {@link #routes} and {@link #refused} only on the reconciler thread, which must never
 * block on the API server: read informer caches there. Informer callbacks of the source call the
 * {@code requestPass} it was given (thread-safe, never blocks) when its objects change.
 */
public interface RouteSource {
  /**
   * Starts watching.
   *
   * @param requestPass asks the reconciler for a pass (coalesced with other changes)
   */
  void start(Runnable requestPass);

  /** True once the source's caches hold their initial lists; the reconciler waits for it. */
  boolean hasSynced();

  /** Everything the source routes now, one entry per (object, host). Reconciler thread. */
  List<SourcedRoutes> routes();

  /**
   * After each pass: the objects of this source left out, with the reason for people (empty when
   * none). Reconciler thread; hand status writes to another thread.
   */
  void refused(Map<HostOwnership.ObjectRef, String> refusals);

  /** Stops watching. */
  default void close() {}
}
