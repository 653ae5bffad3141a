package io.turnout.controller.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.turnout.controller.cli.MirrorChange;
import io.turnout.controller.cli.WeightChange;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.controller.fleet.WindowStats;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.rollout.RolloutStatus.Failure;
import io.turnout.controller.rollout.RolloutStatus.Measurement;
import io.turnout.controller.rollout.RolloutStatus.Phase;
import io.turnout.gateway.config.Durations;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rollouts while this replica leads: for each Service with {@code turnout.io/rollout} whose
 * status is not finished, reads the Service fresh, moves its rollout on by one decision, and writes
 * the outcome to {@code turnout.io/rollout-status}.
 *
 * <p>Everything the engine knows is in the status annotation, never in memory, so a replica that
 * takes over the lease mid-step judges the same window ({@code stepStartedAt} .. now) and neither
 * restarts nor repeats the step. Order of writes makes a crash between two writes harmless:
 *
 * <ul>
 *   <li>next step: status first (conditional on the Service's resourceVersion, so a stale view or a
 *       CLI write in between makes it fail and the next tick decide again), then the weights, which
 *       every tick re-applies if they differ from the status's step;
 *   <li>rollback, abort, promote: weights first, then the final status; repeated after a crash, the
 *       weight write is a no-op.
 * </ul>
 *
 * <p>Threads: one daemon thread, "turnout-rollouts", does all reads and writes (blocking API calls,
 * never on an informer or event-loop thread). {@link #leading} is set from the lease's callbacks.
 */
public final class RolloutEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RolloutEngine.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long STATUS_REFRESH_MILLIS = 5_000;

  /** Where Warning Events go. */
  public interface Warnings {
    void warning(Service service, String reason, String message);
  }

  private final KubernetesClient client;
  private final Supplier<List<Service>> cache;
  private final FleetStats fleet;
  private final Warnings warnings;
  private final LongSupplier clock;
  private final ScheduledExecutorService thread;
  private volatile boolean leading;

  private RolloutEngine(
      KubernetesClient client,
      Supplier<List<Service>> cache,
      FleetStats fleet,
      Warnings warnings,
      LongSupplier clock,
      Duration tick) {
    this.client = client;
    this.cache = cache;
    this.fleet = fleet;
    this.warnings = warnings;
    this.clock = clock;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-rollouts");
              t.setDaemon(true);
              return t;
            });
    thread.scheduleWithFixedDelay(this::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * @param cache the informers' Services (only read to find rollouts; decisions use a fresh GET)
   */
  public static RolloutEngine start(
      KubernetesClient client,
      Supplier<List<Service>> cache,
      FleetStats fleet,
      Warnings warnings,
      Duration tick) {
    return new RolloutEngine(client, cache, fleet, warnings, System::currentTimeMillis, tick);
  }

  /** Called by the lease: act only while true. */
  public void leading(boolean now) {
    leading = now;
  }

  public boolean leading() {
    return leading;
  }

  private void tick() {
    if (!leading) {
      return;
    }
    for (Service s : cache.get()) {
      Map<String, String> a = s.getMetadata().getAnnotations();
      if (a == null || a.get(Annotations.ROLLOUT) == null || finished(a)) {
        continue;
      }
      if (!leading) {
        return; // lost the lease mid-tick: leave the rest to the new leader
      }
      try {
        advance(s.getMetadata().getNamespace(), s.getMetadata().getName());
      } catch (RuntimeException e) {
        log.warn(
            "rollout on {}/{}: {} (tried again in a moment)",
            s.getMetadata().getNamespace(),
            s.getMetadata().getName(),
            e.toString());
      }
    }
  }

  private static boolean finished(Map<String, String> a) {
    String st = a.get(Annotations.ROLLOUT_STATUS);
    if (st == null) {
      return false;
    }
    try {
      return RolloutStatus.parse(st).phase().done();
    } catch (IllegalArgumentException e) {
      return true; // a status we cannot read is not ours to overwrite
    }
  }

  /** One decision for the rollout on this Service. */
  void advance(String ns, String name) {
    Service svc = client.services().inNamespace(ns).withName(name).get();
    if (svc == null || svc.getMetadata().getAnnotations() == null) {
      return;
    }
    Map<String, String> a = svc.getMetadata().getAnnotations();
    String specText = a.get(Annotations.ROLLOUT);
    if (specText == null || finished(a)) {
      return;
    }
    long now = clock.getAsLong();
    RolloutSpec spec;
    try {
      spec = RolloutSpec.parse(specText);
    } catch (IllegalArgumentException e) {
      String why = Annotations.ROLLOUT + ": " + e.getMessage();
      writeStatus(svc, new RolloutStatus(Phase.Failed, 0, 0, 0, null, null, why, now));
      warnings.warning(svc, "RolloutInvalid", why);
      return;
    }
    String statusText = a.get(Annotations.ROLLOUT_STATUS);
    RolloutStatus status =
        statusText == null ? RolloutStatus.pending(now) : RolloutStatus.parse(statusText);
    switch (status.phase()) {
      case Pending -> {
        if (spec.mirror() > 0) {
          startMirror(svc, spec, now);
        } else {
          startStep(svc, spec, 0, null, "step 1 of " + spec.steps().size(), now);
        }
      }
      case Progressing -> {
        if (status.inMirrorStep()) {
          judgeMirror(svc, spec, status, now);
        } else {
          judge(svc, spec, status, now);
        }
      }
      case Aborting -> {
        setWeights(ns, spec, spec.rollbackWeights());
        setMirror(ns, spec, 0);
        writeStatus(reread(svc), status.withPhase(Phase.Aborted, "aborted; weights restored", now));
      }
      case Promoting -> {
        setWeights(ns, spec, spec.promotedWeights());
        setMirror(ns, spec, 0);
        writeStatus(
            reread(svc), status.withPhase(Phase.Succeeded, "promoted to 100% by hand", now));
      }
      default -> {
        // Paused: the weights stay as they are and nothing is judged.
      }
    }
  }

  private void judge(Service svc, RolloutSpec spec, RolloutStatus st, long now) {
    String ns = svc.getMetadata().getNamespace();
    ensureWeights(ns, spec, spec.weightsAt(st.step()));
    WindowStats w = fleet.window(spec.host(), spec.version(), st.stepStartedAt(), now);
    long elapsed = now - st.stepStartedAt();
    Measurement m = Measurement.of(w, elapsed);
    Verdict v = Verdict.of(spec, w, elapsed);
    if (v instanceof Verdict.Fail f) {
      setWeights(ns, spec, spec.rollbackWeights());
      String why =
          String.format(
              Locale.ROOT,
              "rolled back: %s %s > %s at step %d (%d%%), %d ms into the step, %d requests",
              f.limit(),
              number(f.measured()),
              number(f.threshold()),
              st.step() + 1,
              st.weight(),
              elapsed,
              w.requests());
      writeStatus(
          reread(svc), // the weight write changed its resourceVersion
          new RolloutStatus(
              Phase.Failed,
              st.step(),
              st.weight(),
              st.stepStartedAt(),
              m,
              new Failure(f.limit(), f.measured(), f.threshold(), st.step(), st.weight()),
              why,
              now));
      warnings.warning(svc, "RolloutFailed", spec.version() + " on " + spec.host() + " " + why);
      log.warn("rollout of {} on {} {}", spec.version(), spec.host(), why);
    } else if (v instanceof Verdict.Pass) {
      int next = st.step() + 1;
      if (next == spec.steps().size()) {
        writeStatus(
            svc,
            new RolloutStatus(
                Phase.Succeeded,
                st.step(),
                st.weight(),
                st.stepStartedAt(),
                m,
                null,
                "all " + spec.steps().size() + " steps passed",
                now));
        log.info("rollout of {} on {} succeeded", spec.version(), spec.host());
      } else {
        startStep(
            svc,
            spec,
            next,
            m,
            "step "
                + (st.step() + 1)
                + " passed; step "
                + (next + 1)
                + " of "
                + spec.steps().size(),
            now);
      }
    } else if (v instanceof Verdict.Wait wait && now - st.updatedAt() >= STATUS_REFRESH_MILLIS) {
      writeStatus(
          svc,
          new RolloutStatus(
              Phase.Progressing,
              st.step(),
              st.weight(),
              st.stepStartedAt(),
              m,
              null,
              wait.why(),
              now));
    }
  }

  /**
   * The mirror step: status first (as for a weighted step), then the copies; the target keeps
   * weight 0 all along.
   */
  private void startMirror(Service svc, RolloutSpec spec, long now) {
    String why =
        "mirror step: "
            + spec.mirror()
            + "% of requests copied to "
            + spec.version()
            + " for "
            + Durations.format(spec.mirrorInterval())
            + ", then "
            + spec.steps().size()
            + " weighted step(s)";
    writeStatus(
        svc, new RolloutStatus(Phase.Progressing, 0, 0, now, null, null, why, now, Boolean.TRUE));
    String ns = svc.getMetadata().getNamespace();
    setWeights(ns, spec, spec.rollbackWeights());
    setMirror(ns, spec, spec.mirror());
    log.info("rollout of {} on {}: mirror step at {}%", spec.version(), spec.host(), spec.mirror());
  }

  /**
   * Judges the target's mirrored copies with the weighted steps' limits (asset misses do not apply:
   * a copy's 404 reaches no one, and the copies' window has none). The mirror annotation goes
   * before the status moves on, so a crash in between leaves a step that is judged again, never a
   * mirror nobody removes.
   */
  private void judgeMirror(Service svc, RolloutSpec spec, RolloutStatus st, long now) {
    String ns = svc.getMetadata().getNamespace();
    ensureWeights(ns, spec, spec.rollbackWeights());
    ensureMirror(ns, spec);
    WindowStats w = fleet.mirrorWindow(spec.host(), spec.version(), st.stepStartedAt(), now);
    long elapsed = now - st.stepStartedAt();
    Measurement m = Measurement.of(w, elapsed);
    Verdict v = Verdict.of(spec, w, elapsed, spec.mirrorInterval().toMillis());
    if (v instanceof Verdict.Fail f) {
      setMirror(ns, spec, 0);
      String why =
          String.format(
              Locale.ROOT,
              "rolled back: %s %s > %s at the mirror step (%d%% of requests copied, weight 0),"
                  + " %d ms into the step, %d copies",
              f.limit(),
              number(f.measured()),
              number(f.threshold()),
              spec.mirror(),
              elapsed,
              w.requests());
      writeStatus(
          reread(svc),
          new RolloutStatus(
              Phase.Failed,
              0,
              0,
              st.stepStartedAt(),
              m,
              new Failure(f.limit(), f.measured(), f.threshold(), 0, 0),
              why,
              now,
              Boolean.TRUE));
      warnings.warning(svc, "RolloutFailed", spec.version() + " on " + spec.host() + " " + why);
      log.warn("rollout of {} on {} {}", spec.version(), spec.host(), why);
    } else if (v instanceof Verdict.Pass) {
      setMirror(ns, spec, 0);
      startStep(
          reread(svc), spec, 0, m, "mirror step passed; step 1 of " + spec.steps().size(), now);
    } else if (v instanceof Verdict.Wait wait && now - st.updatedAt() >= STATUS_REFRESH_MILLIS) {
      writeStatus(
          svc,
          new RolloutStatus(
              Phase.Progressing,
              0,
              0,
              st.stepStartedAt(),
              m,
              null,
              "mirror step: " + wait.why(),
              now,
              Boolean.TRUE));
    }
  }

  /** Re-applies the mirror step's copies when the cache shows the target without them. */
  private void ensureMirror(String ns, RolloutSpec spec) {
    String wanted = Integer.toString(spec.mirror());
    for (Service s : cache.get()) {
      Map<String, String> a = s.getMetadata().getAnnotations();
      if (a != null
          && ns.equals(s.getMetadata().getNamespace())
          && hasHost(a, spec.host())
          && spec.version()
              .equals(a.getOrDefault(Annotations.VERSION, s.getMetadata().getName()).trim())
          && !wanted.equals(a.getOrDefault(Annotations.MIRROR, "0").trim())) {
        setMirror(ns, spec, spec.mirror());
        return;
      }
    }
  }

  /** Sets (0 removes) {@code turnout.io/mirror} on the target's Services, when it has a step. */
  private void setMirror(String ns, RolloutSpec spec, int percent) {
    if (spec.mirror() == 0) {
      return; // never touch a mirror the rollout did not set
    }
    StringWriter out = new StringWriter();
    MirrorChange.apply(client, ns, spec.host(), spec.version(), percent, new PrintWriter(out));
    log.debug("mirror of {}: {}", spec.host(), out.toString().trim());
  }

  private void startStep(
      Service svc, RolloutSpec spec, int index, Measurement last, String why, long now) {
    int share = spec.steps().get(index);
    writeStatus(svc, new RolloutStatus(Phase.Progressing, index, share, now, last, null, why, now));
    setWeights(svc.getMetadata().getNamespace(), spec, spec.weightsAt(index));
    log.info("rollout of {} on {}: step {} at {}%", spec.version(), spec.host(), index + 1, share);
  }

  /** Re-applies a step's weights when the cache shows others (a crash, a hand edit). */
  private void ensureWeights(String ns, RolloutSpec spec, Map<String, Integer> wanted) {
    Map<String, Integer> seen = new HashMap<>();
    for (Service s : cache.get()) {
      Map<String, String> a = s.getMetadata().getAnnotations();
      if (a == null || !ns.equals(s.getMetadata().getNamespace()) || !hasHost(a, spec.host())) {
        continue;
      }
      String v = a.getOrDefault(Annotations.VERSION, s.getMetadata().getName()).trim();
      try {
        seen.put(v, Integer.parseInt(a.getOrDefault(Annotations.WEIGHT, "-1").trim()));
      } catch (NumberFormatException e) {
        seen.put(v, -1);
      }
    }
    for (Map.Entry<String, Integer> e : wanted.entrySet()) {
      if (!e.getValue().equals(seen.get(e.getKey()))) {
        setWeights(ns, spec, wanted);
        return;
      }
    }
  }

  private static boolean hasHost(Map<String, String> a, String host) {
    String hosts = a.get(Annotations.HOST);
    if (hosts == null) {
      return false;
    }
    for (String h : hosts.split(",")) {
      if (h.trim().equalsIgnoreCase(host)) {
        return true;
      }
    }
    return false;
  }

  private void setWeights(String ns, RolloutSpec spec, Map<String, Integer> weights) {
    StringWriter out = new StringWriter();
    WeightChange.apply(client, ns, spec.host(), weights, null, false, new PrintWriter(out));
    log.debug("weights of {}: {}", spec.host(), out.toString().trim());
  }

  private Service reread(Service svc) {
    Service fresh =
        client
            .services()
            .inNamespace(svc.getMetadata().getNamespace())
            .withName(svc.getMetadata().getName())
            .get();
    return fresh == null ? svc : fresh;
  }

  /** Writes the status, conditional on the resourceVersion we read (409 if anyone wrote since). */
  private void writeStatus(Service svc, RolloutStatus status) {
    ObjectNode patch = JSON.createObjectNode();
    ObjectNode meta = patch.putObject("metadata");
    meta.put("resourceVersion", svc.getMetadata().getResourceVersion());
    meta.putObject("annotations").put(Annotations.ROLLOUT_STATUS, status.toJson());
    client
        .services()
        .inNamespace(svc.getMetadata().getNamespace())
        .withName(svc.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private static String number(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.3f", d);
  }

  @Override
  public void close() {
    leading = false;
    thread.shutdownNow();
  }
}
