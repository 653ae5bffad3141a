package io.turnout.controller.k8s;

/**
 * Makes a Service's drain stamp durable ({@link Annotations#DRAINING_SINCE}), so that it outlives
 * the controller process that took it.
 *
 * <p>Called on the reconciler thread; implementations must not block it.
 */
@FunctionalInterface
public interface DrainStampWriter {
  /**
   * Asks for the stamp of Service {@code namespace/name} to become {@code drainingSince} (epoch
   * milliseconds), or to be removed when it is null. Best effort: the reconciler asks again on the
   * next change while the Service still disagrees.
   */
  void write(String serviceKey, Long drainingSince);

  /** Keeps stamps in memory only (tests, benchmarks): a restart forgets them. */
  static DrainStampWriter none() {
    return (key, since) -> {};
  }
}
