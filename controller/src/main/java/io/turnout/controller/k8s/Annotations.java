package io.turnout.controller.k8s;

/**
 * The {@code turnout.io/*} Service annotations and labels of docs/REFERENCE.md, Service annotations
 * (public contract).
 */
public final class Annotations {
  public static final String HOST = "turnout.io/host";
  public static final String VERSION = "turnout.io/version";
  public static final String WEIGHT = "turnout.io/weight";
  public static final String PATH = "turnout.io/path";
  public static final String PORT = "turnout.io/port";
  public static final String ROLLOUT = "turnout.io/rollout";
  public static final String ROLLOUT_STATUS = "turnout.io/rollout-status";

  /**
   * Written by the controller, not by users: when this Service's version stopped serving (RFC 3339,
   * e.g. {@code 2026-11-29T22:30:00.125Z}). Kept on the Service so that a restarted controller, or
   * another replica, continues the drain instead of restarting or forgetting it. Removed when the
   * version serves again.
   */
  public static final String DRAINING_SINCE = "turnout.io/draining-since";

  /** Percentage (0..100) of the route's GET/HEAD requests copied to this version; 0 by default. */
  public static final String MIRROR = "turnout.io/mirror";

  /** The label by which an EndpointSlice names its Service (set by Kubernetes). */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /**
   * The largest weight accepted. Weights are relative, so nothing needs more; the cap keeps the
   * gateway's cumulative sums far from integer overflow however many versions a route has.
   */
  public static final int MAX_WEIGHT = 1_000_000;

  private Annotations() {}
}
