package io.turnout.controller.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.turnout.controller.fleet.WindowStats;

/**
 * Where a rollout is: the {@code turnout.io/rollout-status} annotation on the target version's
 * Service. Written by the leading controller (and by the CLI for pause, resume, abort, promote), so
 * any controller that takes over the lease continues from here.
 *
 * @param phase see {@link Phase}
 * @param step index into the spec's steps of the step running (or last run)
 * @param weight the target's percentage at that step
 * @param stepStartedAt when that step's weights were set (epoch ms); its window starts here
 * @param measured the numbers of the last judgment, or null
 * @param failure why the rollout failed, or null
 * @param message a line for people
 * @param updatedAt when this status was written (epoch ms)
 * @param mirror true while the rollout is in (or failed at) its mirror step, where the target has
 *     weight 0 and its mirrored copies are judged; null otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RolloutStatus(
    Phase phase,
    int step,
    int weight,
    long stepStartedAt,
    Measurement measured,
    Failure failure,
    String message,
    long updatedAt,
    Boolean mirror) {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  @JsonCreator
  public RolloutStatus {
    mirror = Boolean.TRUE.equals(mirror) ? Boolean.TRUE : null;
  }

  /** A status outside the mirror step. */
  public RolloutStatus(
      Phase phase,
      int step,
      int weight,
      long stepStartedAt,
      Measurement measured,
      Failure failure,
      String message,
      long updatedAt) {
    this(phase, step, weight, stepStartedAt, measured, failure, message, updatedAt, null);
  }

  /** True in the mirror step: the target has weight 0 and its copies are judged. */
  public boolean inMirrorStep() {
    return Boolean.TRUE.equals(mirror);
  }

  /** The phases. Only the engine moves Pending/Progressing/Aborting/Promoting on. */
  public enum Phase {
    /** Written by {@code rollout start}; the leader begins step 0. */
    Pending,
    Progressing,
    /** Weights stay; nothing is judged until resume. */
    Paused,
    /** Asked by the CLI; the leader restores the weights before the rollout. */
    Aborting,
    /** Asked by the CLI; the leader gives the target everything. */
    Promoting,
    Succeeded,
    Failed,
    Aborted;

    public boolean done() {
      return this == Succeeded || this == Failed || this == Aborted;
    }
  }

  /** The target's numbers over a step's window, as judged. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Measurement(
      long requests, double errorRate, Double p99, long assetMisses, int gateways, long window) {
    static Measurement of(WindowStats w, long windowMillis) {
      return new Measurement(
          w.requests(),
          Math.round(w.errorRatePercent() * 1000) / 1000.0,
          Double.isNaN(w.p99Seconds())
              ? null
              : Double.isInfinite(w.p99Seconds())
                  ? Double.valueOf(1e9)
                  : Double.valueOf(Math.round(w.p99Seconds() * 1e6) / 1e6),
          w.assetMisses(),
          w.gateways(),
          windowMillis);
    }
  }

  /**
   * Which limit failed: {@code limit} is the spec field (maxErrorRate, maxP99 in seconds,
   * maxAssetMisses), {@code measured} the value seen, {@code threshold} the limit.
   */
  public record Failure(String limit, double measured, double threshold, int step, int weight) {}

  public static RolloutStatus pending(long now) {
    return new RolloutStatus(Phase.Pending, 0, 0, 0, null, null, "waiting for the leader", now);
  }

  public RolloutStatus withPhase(Phase p, String why, long now) {
    return new RolloutStatus(p, step, weight, stepStartedAt, measured, failure, why, now, mirror);
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static RolloutStatus parse(String json) {
    try {
      RolloutStatus s = JSON.readValue(json, RolloutStatus.class);
      if (s.phase() == null) {
        throw new IllegalArgumentException("phase: is required");
      }
      return s;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a rollout status: " + e.getOriginalMessage());
    }
  }
}
