package io.turnout.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.k8s.ServiceTranslator;
import io.turnout.controller.rollout.RolloutSpec;
import io.turnout.controller.rollout.RolloutStatus;
import io.turnout.controller.rollout.RolloutStatus.Phase;
import io.turnout.gateway.config.Durations;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code turnout rollout start|status|pause|resume|abort|promote HOST}. The CLI only writes the
 * rollout's spec and asks for phase changes in its status annotation; the controller holding the
 * Lease does every weight change, so the two never race on the weights.
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description = {
      "Progressive rollouts judged on the gateways' own numbers, rolled back automatically.",
      "The spec and progress live on the target version's Service (turnout.io/rollout,"
          + " turnout.io/rollout-status); the leading controller runs them."
    })
final class RolloutCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Supplier<KubernetesClient> clients;
  @Spec CommandSpec spec;

  RolloutCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a rollout command is required: start, status, pause, resume, abort or promote");
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start moving HOST to VERSION step by step.")
  int start(
      @Mixin NamespaceOption scope,
      @Parameters(index = "0", paramLabel = "HOST") String host,
      @Parameters(index = "1", paramLabel = "VERSION") String version,
      @Option(
              names = "--steps",
              defaultValue = "5,25,50,100",
              description = "VERSION's share in percent at each step (default: ${DEFAULT-VALUE}).")
          String steps,
      @Option(
              names = "--interval",
              defaultValue = "2m",
              description =
                  "How long each step runs before it is judged (default: ${DEFAULT-VALUE}).")
          String interval,
      @Option(
              names = "--max-error-rate",
              defaultValue = "1",
              description = "Highest share of 5xx answers, percent (default: ${DEFAULT-VALUE}).")
          double maxErrorRate,
      @Option(
              names = "--max-p99",
              defaultValue = "1s",
              description = "Highest p99 latency; 'none' for no limit (default: ${DEFAULT-VALUE}).")
          String maxP99,
      @Option(
              names = "--max-asset-misses",
              defaultValue = "0",
              description =
                  "Highest number of 404s on asset paths per step (default: ${DEFAULT-VALUE}).")
          long maxAssetMisses,
      @Option(
              names = "--min-requests",
              defaultValue = "100",
              description =
                  "Requests a step needs before it is judged (default: ${DEFAULT-VALUE}).")
          long minRequests,
      @Option(
              names = "--mirror",
              defaultValue = "0",
              description =
                  "Start with a mirror step: copy PERCENT of HOST's requests to VERSION (at"
                      + " weight 0) and judge the copies with the same limits; 0 for none"
                      + " (default: ${DEFAULT-VALUE}).")
          String mirror,
      @Option(
              names = "--mirror-interval",
              description = "How long the mirror step runs (default: the --interval).")
          String mirrorInterval) {
    List<Integer> stepList = new ArrayList<>();
    for (String s : steps.split(",")) {
      try {
        stepList.add(Integer.parseInt(s.trim()));
      } catch (NumberFormatException e) {
        throw new Cli.Refused("--steps: '" + s + "' is not a percentage");
      }
    }
    Duration every = duration("--interval", interval);
    Duration p99 = maxP99.equalsIgnoreCase("none") ? null : duration("--max-p99", maxP99);
    int mirrorPercent;
    try {
      mirrorPercent = MirrorChange.parsePercent(mirror);
    } catch (Cli.Refused e) {
      throw new Cli.Refused("--mirror: " + e.getMessage());
    }
    Duration mirrorEvery =
        mirrorInterval == null ? every : duration("--mirror-interval", mirrorInterval);
    try (KubernetesClient client = clients.get()) {
      ClusterState state = ClusterState.read(client, scope.namespace);
      Map<String, List<Service>> byVersion = versionsOf(state, host, scope.namespace);
      if (!byVersion.containsKey(version)) {
        throw new Cli.Refused(
            "host "
                + host
                + " has no version '"
                + version
                + "' (versions: "
                + String.join(", ", new TreeSet<>(byVersion.keySet()))
                + ")");
      }
      Service running = active(byVersion);
      if (running != null) {
        throw new Cli.Refused(
            "a rollout is already running on "
                + host
                + " ("
                + ServiceTranslator.keyOf(running)
                + "); abort or promote it first");
      }
      Map<String, Integer> before = new LinkedHashMap<>();
      for (Map.Entry<String, List<Service>> e : byVersion.entrySet()) {
        before.put(e.getKey(), weightNow(state, host, e.getKey(), e.getValue().get(0)));
      }
      RolloutSpec rollout;
      try {
        rollout =
            new RolloutSpec(
                host.trim().toLowerCase(Locale.ROOT),
                version,
                stepList,
                every,
                maxErrorRate,
                p99,
                maxAssetMisses,
                minRequests,
                before,
                mirrorPercent,
                mirrorEvery);
      } catch (IllegalArgumentException e) {
        throw new Cli.Refused(e.getMessage().replace("steps", "--steps"));
      }
      Service target = byVersion.get(version).get(0);
      ObjectNode patch = JSON.createObjectNode();
      ObjectNode a = patch.putObject("metadata").putObject("annotations");
      a.put(Annotations.ROLLOUT, rollout.toJson());
      a.put(Annotations.ROLLOUT_STATUS, RolloutStatus.pending(System.currentTimeMillis()).toJson());
      patch(client, target, patch);
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          "Rollout of "
              + version
              + " on "
              + host
              + " started: "
              + (mirrorPercent > 0
                  ? "mirror step "
                      + mirrorPercent
                      + "% for "
                      + Durations.format(mirrorEvery)
                      + ", then "
                  : "")
              + "steps "
              + steps
              + " every "
              + Durations.format(every)
              + ", weights before "
              + before
              + ".");
      out.println(
          "The controller holding the lease moves it; follow with: turnout rollout status " + host);
      out.flush();
    }
    return 0;
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show HOST's rollout.")
  int status(@Mixin NamespaceOption scope, @Parameters(paramLabel = "HOST") String host) {
    try (KubernetesClient client = clients.get()) {
      Service svc = latest(client, scope.namespace, host);
      Map<String, String> a = svc.getMetadata().getAnnotations();
      RolloutSpec r = RolloutSpec.parse(a.get(Annotations.ROLLOUT));
      RolloutStatus st = statusOf(svc);
      PrintWriter out = spec.commandLine().getOut();
      out.printf(
          Locale.ROOT,
          "ROLLOUT  %s -> %s (%s)%n",
          r.host(),
          r.version(),
          ServiceTranslator.keyOf(svc));
      out.printf(
          Locale.ROOT,
          "LIMITS   error rate <= %s%%, p99 <= %s, asset misses <= %d, >= %d requests per step,"
              + " interval %s%n",
          r.maxErrorRate(),
          r.maxP99() == null ? "none" : Durations.format(r.maxP99()),
          r.maxAssetMisses(),
          r.minRequests(),
          Durations.format(r.interval()));
      out.printf(Locale.ROOT, "PHASE    %s%n", st.phase());
      if (r.mirror() > 0) {
        out.printf(
            Locale.ROOT,
            "MIRROR   %d%% of requests copied to %s at weight 0 for %s before the steps; copies"
                + " judged with the limits above (asset misses do not apply)%n",
            r.mirror(),
            r.version(),
            Durations.format(r.mirrorInterval()));
      }
      if (st.inMirrorStep()) {
        out.printf(
            Locale.ROOT,
            "STEP     mirror step (%d%% copied, weight 0), then steps %s%n",
            r.mirror(),
            r.steps());
      } else if (st.phase() != Phase.Pending) {
        out.printf(
            Locale.ROOT,
            "STEP     %d of %d (%d%%), steps %s%n",
            st.step() + 1,
            r.steps().size(),
            st.weight(),
            r.steps());
      }
      if (st.measured() != null) {
        var m = st.measured();
        out.printf(
            Locale.ROOT,
            (st.inMirrorStep() ? "MEASURED %d copies" : "MEASURED %d requests")
                + ", error rate %s%%, p99 %s, asset misses %d, %d gateway(s),"
                + " over %d ms%n",
            m.requests(),
            m.errorRate(),
            m.p99() == null ? "-" : m.p99() + "s",
            m.assetMisses(),
            m.gateways(),
            m.window());
      }
      if (st.failure() != null) {
        var f = st.failure();
        out.printf(
            Locale.ROOT,
            "FAILED   %s: measured %s, limit %s, at %s%n",
            f.limit(),
            f.measured(),
            f.threshold(),
            st.inMirrorStep()
                ? "the mirror step"
                : "step " + (f.step() + 1) + " (" + f.weight() + "%)");
      }
      if (st.message() != null) {
        out.printf(Locale.ROOT, "MESSAGE  %s%n", st.message());
      }
      out.flush();
    }
    return 0;
  }

  @Command(name = "pause", mixinStandardHelpOptions = true, description = "Hold HOST's rollout.")
  int pause(@Mixin NamespaceOption scope, @Parameters(paramLabel = "HOST") String host) {
    return ask(scope, host, Phase.Paused, "paused: weights stay, nothing is judged");
  }

  @Command(
      name = "resume",
      mixinStandardHelpOptions = true,
      description = "Continue a paused rollout; the current step's interval starts again.")
  int resume(@Mixin NamespaceOption scope, @Parameters(paramLabel = "HOST") String host) {
    return ask(scope, host, Phase.Progressing, "resumed");
  }

  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description = "Stop and restore the weights from before the rollout.")
  int abort(@Mixin NamespaceOption scope, @Parameters(paramLabel = "HOST") String host) {
    return ask(scope, host, Phase.Aborting, "abort asked; the leader restores the weights");
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Skip the remaining steps: the new version gets 100%.")
  int promote(@Mixin NamespaceOption scope, @Parameters(paramLabel = "HOST") String host) {
    return ask(scope, host, Phase.Promoting, "promotion asked; the leader sets 100%");
  }

  /** Moves a running rollout to {@code to}, refusing what does not make sense from its phase. */
  private int ask(NamespaceOption scope, String host, Phase to, String why) {
    try (KubernetesClient client = clients.get()) {
      Service svc = latest(client, scope.namespace, host);
      RolloutStatus st = statusOf(svc);
      long now = System.currentTimeMillis();
      RolloutStatus next = st.withPhase(to, why, now);
      if (st.phase().done()) {
        throw new Cli.Refused("the rollout on " + host + " is over (" + st.phase() + ")");
      } else if (to == Phase.Paused && st.phase() != Phase.Progressing) {
        throw new Cli.Refused("only a progressing rollout can pause; it is " + st.phase());
      } else if (to == Phase.Progressing) {
        if (st.phase() != Phase.Paused) {
          throw new Cli.Refused("only a paused rollout can resume; it is " + st.phase());
        }
        next =
            new RolloutStatus(
                Phase.Progressing,
                st.step(),
                st.weight(),
                now,
                st.measured(),
                null,
                why,
                now,
                st.mirror());
      }
      ObjectNode patch = JSON.createObjectNode();
      ObjectNode meta = patch.putObject("metadata");
      meta.put("resourceVersion", svc.getMetadata().getResourceVersion());
      meta.putObject("annotations").put(Annotations.ROLLOUT_STATUS, next.toJson());
      patch(client, svc, patch);
      spec.commandLine().getOut().println("Rollout on " + host + ": " + why + ".");
      spec.commandLine().getOut().flush();
    }
    return 0;
  }

  private static void patch(KubernetesClient client, Service svc, ObjectNode patch) {
    client
        .services()
        .inNamespace(svc.getMetadata().getNamespace())
        .withName(svc.getMetadata().getName())
        .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
  }

  private static Duration duration(String option, String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new Cli.Refused(option + ": " + e.getMessage());
    }
  }

  private static Map<String, List<Service>> versionsOf(
      ClusterState state, String host, String namespace) {
    List<Service> services = state.servicesOfHostOrRefuse(host, namespace);
    services.sort(Comparator.comparing(ServiceTranslator::keyOf));
    Map<String, List<Service>> byVersion = new TreeMap<>();
    for (Service s : services) {
      byVersion.computeIfAbsent(ClusterState.versionOf(s), v -> new ArrayList<>()).add(s);
    }
    return byVersion;
  }

  /** A Service of the host with a rollout that is not over, or null. */
  private static Service active(Map<String, List<Service>> byVersion) {
    for (List<Service> list : byVersion.values()) {
      for (Service s : list) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        if (a != null && a.get(Annotations.ROLLOUT) != null) {
          String st = a.get(Annotations.ROLLOUT_STATUS);
          if (st == null || !RolloutStatus.parse(st).phase().done()) {
            return s;
          }
        }
      }
    }
    return null;
  }

  /** The host's running rollout, else its most recently updated one. */
  private static Service latest(KubernetesClient client, String namespace, String host) {
    ClusterState state = ClusterState.read(client, namespace);
    Map<String, List<Service>> byVersion = versionsOf(state, host, namespace);
    Service running = active(byVersion);
    if (running != null) {
      return running;
    }
    Service best = null;
    long bestAt = Long.MIN_VALUE;
    for (List<Service> list : byVersion.values()) {
      for (Service s : list) {
        Map<String, String> a = s.getMetadata().getAnnotations();
        if (a != null && a.get(Annotations.ROLLOUT) != null) {
          long at = statusOf(s).updatedAt();
          if (at > bestAt) {
            bestAt = at;
            best = s;
          }
        }
      }
    }
    if (best == null) {
      throw new Cli.Refused("no rollout on " + host + " (start one with: turnout rollout start)");
    }
    return best;
  }

  private static RolloutStatus statusOf(Service s) {
    String st = s.getMetadata().getAnnotations().get(Annotations.ROLLOUT_STATUS);
    return st == null ? RolloutStatus.pending(0) : RolloutStatus.parse(st);
  }

  /** The version's weight annotation, else the weight the controller derives for it. */
  private static int weightNow(ClusterState state, String host, String version, Service svc) {
    String w = svc.getMetadata().getAnnotations().get(Annotations.WEIGHT);
    if (w != null) {
      try {
        return Integer.parseInt(w.trim());
      } catch (NumberFormatException ignored) {
        // fall through to what is being served
      }
    }
    int best = 0;
    for (HostSpec h : state.hosts) {
      if (h.host().equalsIgnoreCase(host.trim())) {
        for (RouteSpec r : h.routes()) {
          for (VersionSpec v : r.versions()) {
            if (v.name().equals(version)) {
              best = Math.max(best, v.weight());
            }
          }
        }
      }
    }
    return best;
  }
}
