package io.turnout.controller.fleet;

/**
 * What the fleet served for one (host, version) in a time window, summed over the gateways that
 * were reporting.
 *
 * @param requests requests answered
 * @param errors 5xx answers, the app's and the gateways' own 502/503/504
 * @param assetMisses 404s on asset paths
 * @param p99Seconds 99th percentile latency (interpolated within its histogram bucket like
 *     Prometheus' {@code histogram_quantile}); NaN without requests, +Inf above the last bound
 * @param gateways gateways whose numbers are in the sum
 * @param pinned requests whose client arrived with a valid pin to this version
 */
public record WindowStats(
    long requests, long errors, long assetMisses, double p99Seconds, int gateways, long pinned) {

  public static final WindowStats EMPTY = new WindowStats(0, 0, 0, Double.NaN, 0);

  public WindowStats(
      long requests, long errors, long assetMisses, double p99Seconds, int gateways) {
    this(requests, errors, assetMisses, p99Seconds, gateways, 0);
  }

  /**
   * Share of the requests that came from clients already pinned to this version, in percent (0
   * without requests; at most 100, though gateways read the two counters a moment apart).
   */
  public double pinnedPercent() {
    return requests == 0 ? 0 : Math.min(100.0, 100.0 * pinned / requests);
  }

  /** Error rate in percent (0 without requests). */
  public double errorRatePercent() {
    return requests == 0 ? 0 : 100.0 * errors / requests;
  }
}
