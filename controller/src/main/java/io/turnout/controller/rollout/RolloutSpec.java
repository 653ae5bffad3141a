package io.turnout.controller.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.turnout.gateway.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a rollout should do: the {@code turnout.io/rollout} annotation on the target version's
 * Service, written by {@code turnout rollout start}. Immutable once written.
 *
 * <pre>
 * {"host":"shop.example.com","version":"green","steps":[5,25,50,100],"interval":"2m",
 *  "maxErrorRate":1.0,"maxP99":"1s","maxAssetMisses":0,"minRequests":100,
 *  "weightsBefore":{"blue":100,"green":0},"mirror":50,"mirrorInterval":"5m"}
 * </pre>
 *
 * @param host the host whose versions move
 * @param version the version rolled out (the target)
 * @param steps the target's share in percent at each step, ascending, each 1..100
 * @param interval how long each step runs before it is judged
 * @param maxErrorRate highest acceptable share of 5xx answers, in percent
 * @param maxP99 highest acceptable 99th percentile latency; null for no limit
 * @param maxAssetMisses highest acceptable number of 404s on asset paths in a step
 * @param minRequests requests the target must have served in a step before it is judged
 * @param weightsBefore every version's weight when the rollout started; a failure restores them
 *     (the target to 0)
 * @param mirror 0 for no mirror step; else the share of the host's requests copied to the target
 *     (at weight 0) in a first step, judged on the copies with the same limits (asset misses do not
 *     apply to copies: their 404s reach no one)
 * @param mirrorInterval how long the mirror step runs before it is judged; null without one
 */
public record RolloutSpec(
    String host,
    String version,
    List<Integer> steps,
    Duration interval,
    double maxErrorRate,
    Duration maxP99,
    long maxAssetMisses,
    long minRequests,
    Map<String, Integer> weightsBefore,
    int mirror,
    Duration mirrorInterval) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public RolloutSpec {
    steps = List.copyOf(steps);
    weightsBefore = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weightsBefore));
    List<String> problems =
        problems(steps, interval, maxErrorRate, maxP99, maxAssetMisses, minRequests);
    problems.addAll(MirrorStep.problems(mirror, mirrorInterval));
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    if (mirror == 0) {
      mirrorInterval = null;
    }
  }

  /** A rollout without a mirror step. */
  public RolloutSpec(
      String host,
      String version,
      List<Integer> steps,
      Duration interval,
      double maxErrorRate,
      Duration maxP99,
      long maxAssetMisses,
      long minRequests,
      Map<String, Integer> weightsBefore) {
    this(
        host,
        version,
        steps,
        interval,
        maxErrorRate,
        maxP99,
        maxAssetMisses,
        minRequests,
        weightsBefore,
        0,
        null);
  }

  private static List<String> problems(
      List<Integer> steps,
      Duration interval,
      double maxErrorRate,
      Duration maxP99,
      long maxAssetMisses,
      long minRequests) {
    List<String> out = new ArrayList<>();
    if (steps.isEmpty()) {
      out.add("steps: at least one step is needed");
    }
    for (int i = 0; i < steps.size(); i++) {
      int s = steps.get(i);
      if (s < 1 || s > 100) {
        out.add("steps[" + i + "]: must be 1..100 (percent), was " + s);
      } else if (i > 0 && s <= steps.get(i - 1)) {
        out.add("steps[" + i + "]: must be above the step before (" + steps.get(i - 1) + ")");
      }
    }
    if (interval == null || interval.toMillis() < 100) {
      out.add("interval: must be at least 100ms");
    }
    if (!(maxErrorRate >= 0 && maxErrorRate <= 100)) {
      out.add("maxErrorRate: must be 0..100 (percent), was " + maxErrorRate);
    }
    if (maxP99 != null && maxP99.isNegative()) {
      out.add("maxP99: must not be negative");
    }
    if (maxAssetMisses < 0) {
      out.add("maxAssetMisses: must be >= 0");
    }
    if (minRequests < 0) {
      out.add("minRequests: must be >= 0");
    }
    return out;
  }

  /**
   * Weights of every version at step {@code index}: the target gets its percentage, the others
   * share the rest in proportion to their weights before the rollout. Example: before blue=90,
   * red=10, green=0; step 25 gives green=25, blue=68 (75 * 0.9 rounded), red=8.
   */
  public Map<String, Integer> weightsAt(int index) {
    int share = steps.get(index);
    int othersTotal = 0;
    for (Map.Entry<String, Integer> e : weightsBefore.entrySet()) {
      if (!e.getKey().equals(version)) {
        othersTotal += e.getValue();
      }
    }
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map.Entry<String, Integer> e : weightsBefore.entrySet()) {
      if (!e.getKey().equals(version)) {
        out.put(
            e.getKey(),
            othersTotal == 0
                ? 0
                : (int) Math.round((100.0 - share) * e.getValue() / (double) othersTotal));
      }
    }
    out.put(version, share);
    return out;
  }

  /** Weights after a failure or an abort: the target at 0, the others as before the rollout. */
  public Map<String, Integer> rollbackWeights() {
    Map<String, Integer> out = new LinkedHashMap<>(weightsBefore);
    out.put(version, 0);
    return out;
  }

  /** Weights after a promotion: the target takes everything. */
  public Map<String, Integer> promotedWeights() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String v : weightsBefore.keySet()) {
      out.put(v, 0);
    }
    out.put(version, 100);
    return out;
  }

  public String toJson() {
    ObjectNode n = JSON.createObjectNode();
    n.put("host", host);
    n.put("version", version);
    n.putPOJO("steps", steps);
    n.put("interval", Durations.format(interval));
    n.put("maxErrorRate", maxErrorRate);
    if (maxP99 != null) {
      n.put("maxP99", Durations.format(maxP99));
    }
    n.put("maxAssetMisses", maxAssetMisses);
    n.put("minRequests", minRequests);
    n.putPOJO("weightsBefore", weightsBefore);
    if (mirror > 0) {
      n.put("mirror", mirror);
      n.put("mirrorInterval", Durations.format(mirrorInterval));
    }
    try {
      return JSON.writeValueAsString(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses the annotation; the exception's message names the bad field. */
  public static RolloutSpec parse(String json) {
    JsonNode n;
    try {
      n = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    List<Integer> steps = new ArrayList<>();
    JsonNode s = n.path("steps");
    if (!s.isArray()) {
      throw new IllegalArgumentException("steps: must be an array of percentages");
    }
    s.forEach(x -> steps.add(x.asInt(-1)));
    Map<String, Integer> before = new LinkedHashMap<>();
    n.path("weightsBefore")
        .fields()
        .forEachRemaining(e -> before.put(e.getKey(), e.getValue().asInt()));
    return new RolloutSpec(
        text(n, "host"),
        text(n, "version"),
        steps,
        duration(n, "interval"),
        n.path("maxErrorRate").asDouble(1.0),
        n.hasNonNull("maxP99") ? duration(n, "maxP99") : null,
        n.path("maxAssetMisses").asLong(0),
        n.path("minRequests").asLong(100),
        before,
        n.path("mirror").asInt(0),
        n.hasNonNull("mirrorInterval") ? duration(n, "mirrorInterval") : null);
  }

  private static String text(JsonNode n, String field) {
    String v = n.path(field).asText("");
    if (v.isEmpty()) {
      throw new IllegalArgumentException(field + ": is required");
    }
    return v;
  }

  private static Duration duration(JsonNode n, String field) {
    try {
      return Durations.parse(text(n, field));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }
}
