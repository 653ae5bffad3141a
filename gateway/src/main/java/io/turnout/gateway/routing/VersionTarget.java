package io.turnout.gateway.routing;

import io.turnout.gateway.metrics.VersionMeters;
import java.util.List;

/**
 * A version of a route as compiled for the request path: its ready endpoints and when it last
 * served. Part of one {@link RoutingTable}; immutable except for its endpoint array, which a delta
 * that changes only endpoints (and not whether there is a ready one) replaces in place with one
 * volatile write ({@link DeltaCompiler}). A request reads the array once and uses that.
 */
public final class VersionTarget {
  private final String name;
  private final int weight;
  private volatile UpstreamEndpoint[] endpoints;
  private final long stoppedServingAtNanos;
  private final boolean servingInSnapshot;
  private final boolean inSnapshot;
  private final int mirrorPercent;
  final VersionMeters meters;

  VersionTarget(
      String name,
      int weight,
      List<UpstreamEndpoint> readyEndpoints,
      boolean inSnapshot,
      long stoppedServingAtNanos,
      VersionMeters meters) {
    this(name, weight, readyEndpoints, inSnapshot, stoppedServingAtNanos, meters, 0);
  }

  VersionTarget(
      String name,
      int weight,
      List<UpstreamEndpoint> readyEndpoints,
      boolean inSnapshot,
      long stoppedServingAtNanos,
      VersionMeters meters,
      int mirrorPercent) {
    this.name = name;
    this.mirrorPercent = mirrorPercent;
    this.weight = weight;
    this.endpoints = readyEndpoints.toArray(new UpstreamEndpoint[0]);
    this.inSnapshot = inSnapshot;
    this.servingInSnapshot = inSnapshot && weight > 0 && endpoints.length > 0;
    this.stoppedServingAtNanos = stoppedServingAtNanos;
    this.meters = meters;
  }

  public String name() {
    return name;
  }

  public int weight() {
    return weight;
  }

  /** The ready endpoints; never modify the array. */
  public UpstreamEndpoint[] endpoints() {
    return endpoints;
  }

  /** Swaps in new ready endpoints; never turns an empty array into a non-empty one or back. */
  void replaceEndpoints(UpstreamEndpoint[] ready) {
    endpoints = ready;
  }

  public boolean hasReadyEndpoint() {
    return endpoints.length > 0;
  }

  /** False for a version kept only to drain after it left the snapshot. */
  public boolean inSnapshot() {
    return inSnapshot;
  }

  /** When the version stopped serving (System.nanoTime), or 0 while it serves. */
  long stoppedServingAtNanos() {
    return stoppedServingAtNanos;
  }

  public VersionState state(long nowNanos, long drainTimeoutNanos) {
    if (servingInSnapshot) {
      return VersionState.SERVING;
    }
    if (endpoints.length > 0
        && stoppedServingAtNanos != 0
        && nowNanos - stoppedServingAtNanos < drainTimeoutNanos) {
      return VersionState.DRAINING;
    }
    return VersionState.DARK;
  }

  /** Percentage (0..100) of the route's requests copied to this version (VersionSpec.mirror). */
  public int mirrorPercent() {
    return mirrorPercent;
  }

  public VersionMeters meters() {
    return meters;
  }

  @Override
  public String toString() {
    return name + "(w=" + weight + ", endpoints=" + endpoints.length + ")";
  }
}
