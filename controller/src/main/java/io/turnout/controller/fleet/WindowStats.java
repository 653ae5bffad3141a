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
 */
public record WindowStats(
    long requests, long errors, long assetMisses, double p99Seconds, int gateways) {

  public static final WindowStats EMPTY = new WindowStats(0, 0, 0, Double.NaN, 0);

  /** Error rate in percent (0 without requests). */
  public double errorRatePercent() {
    return requests == 0 ? 0 : 100.0 * errors / requests;
  }
}
