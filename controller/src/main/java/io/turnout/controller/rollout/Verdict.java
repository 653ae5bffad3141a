package io.turnout.controller.rollout;

import io.turnout.controller.fleet.WindowStats;

/**
 * The judgment of a running step from the target's numbers since the step began.
 *
 * <p>A step fails as soon as it has {@code minRequests} requests and breaks a limit, even before
 * its interval is over: every second a bad version keeps its share is a second of broken pages. It
 * passes only when the whole interval has run with {@code minRequests} requests and no limit
 * broken. With too few requests it waits, however long that takes: silence (no traffic, or gateways
 * that stopped reporting) is not evidence of health.
 */
public sealed interface Verdict {
  record Wait(String why) implements Verdict {}

  record Pass() implements Verdict {}

  record Fail(String limit, double measured, double threshold) implements Verdict {}

  static Verdict of(RolloutSpec spec, WindowStats w, long elapsedMillis) {
    return of(spec, w, elapsedMillis, spec.interval().toMillis());
  }

  /**
   * As {@link #of(RolloutSpec, WindowStats, long)} for a step that runs {@code intervalMillis}: the
   * mirror step, judged on the copies' window (which has no asset misses).
   */
  static Verdict of(RolloutSpec spec, WindowStats w, long elapsedMillis, long intervalMillis) {
    if (w.requests() < spec.minRequests() || w.requests() == 0) {
      return new Wait(
          "waiting for requests: "
              + w.requests()
              + " of "
              + Math.max(1, spec.minRequests())
              + " seen from "
              + w.gateways()
              + " gateway(s)");
    }
    if (w.errorRatePercent() > spec.maxErrorRate()) {
      return new Fail("maxErrorRate", w.errorRatePercent(), spec.maxErrorRate());
    }
    if (spec.maxP99() != null) {
      double limit = spec.maxP99().toNanos() / 1e9;
      if (w.p99Seconds() > limit) {
        return new Fail("maxP99", w.p99Seconds(), limit);
      }
    }
    if (w.assetMisses() > spec.maxAssetMisses()) {
      return new Fail("maxAssetMisses", w.assetMisses(), spec.maxAssetMisses());
    }
    if (elapsedMillis < intervalMillis) {
      return new Wait("within limits so far");
    }
    return new Pass();
  }
}
