package io.turnout.controller.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.k8s.ServiceTranslator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sets {@code turnout.io/weight} on the Services of one host. Everything is checked before the
 * first write: an unknown version or a bad number changes nothing. Services already at the wanted
 * weight are not written. Used by the weight verbs and by the rollout engine.
 */
public final class WeightChange {
  private WeightChange() {}

  /** Parses a weight argument, refusing anything but an integer 0..MAX_WEIGHT. */
  static int parseWeight(String version, String text) {
    int w;
    try {
      w = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new Cli.Refused(
          "weight '"
              + text
              + "' for "
              + version
              + " is not an integer 0.."
              + Annotations.MAX_WEIGHT);
    }
    if (w < 0 || w > Annotations.MAX_WEIGHT) {
      throw new Cli.Refused(
          "weight " + w + " for " + version + " is outside 0.." + Annotations.MAX_WEIGHT);
    }
    return w;
  }

  /**
   * @param wanted version name to weight, in the order given
   * @param othersTo weight for every version not in {@code wanted}, or null to leave them
   * @param requireReady refuse when a version given a weight &gt; 0 has no ready endpoint
   */
  public static void apply(
      KubernetesClient client,
      String namespace,
      String host,
      Map<String, Integer> wanted,
      Integer othersTo,
      boolean requireReady,
      PrintWriter out) {
    ClusterState state = ClusterState.read(client, namespace);
    List<Service> services = state.servicesOfHostOrRefuse(host, namespace);
    Map<String, List<Service>> byVersion = new LinkedHashMap<>();
    for (Service s : services) {
      byVersion.computeIfAbsent(ClusterState.versionOf(s), v -> new ArrayList<>()).add(s);
    }
    for (String v : wanted.keySet()) {
      if (!byVersion.containsKey(v)) {
        throw new Cli.Refused(
            "host "
                + host
                + " has no version '"
                + v
                + "' (versions: "
                + String.join(", ", new TreeSet<>(byVersion.keySet()))
                + ")");
      }
    }
    Map<String, Integer> target = new LinkedHashMap<>();
    for (String v : new TreeSet<>(byVersion.keySet())) {
      Integer w = wanted.containsKey(v) ? wanted.get(v) : othersTo;
      if (w != null) {
        target.put(v, w);
      }
    }
    if (requireReady) {
      for (Map.Entry<String, Integer> e : target.entrySet()) {
        if (e.getValue() > 0 && !hasReadyEndpoint(state, byVersion.get(e.getKey()))) {
          throw new Cli.Refused(
              "version "
                  + e.getKey()
                  + " of "
                  + host
                  + " has no ready endpoint; switching to it would fail every new user"
                  + " (use --force to do it anyway)");
        }
      }
    }
    // Highest weights first: "blue=0 green=100" must not pass through blue 0 / green 0, where
    // every version is dark and the host answers 503 until the second write lands.
    List<Map.Entry<String, Integer>> order = new ArrayList<>(target.entrySet());
    order.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
    int written = 0;
    for (Map.Entry<String, Integer> e : order) {
      for (Service s : byVersion.get(e.getKey())) {
        String key = ServiceTranslator.keyOf(s);
        Map<String, String> a = s.getMetadata().getAnnotations();
        String before = a == null ? null : a.get(Annotations.WEIGHT);
        String after = Integer.toString(e.getValue());
        if (after.equals(before == null ? null : before.trim())) {
          out.println(key + " (" + e.getKey() + "): weight stays " + after);
          continue;
        }
        client
            .services()
            .inNamespace(s.getMetadata().getNamespace())
            .withName(s.getMetadata().getName())
            .patch(
                PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"annotations\":{\""
                    + Annotations.WEIGHT
                    + "\":\""
                    + after
                    + "\"}}}");
        written++;
        out.println(
            key
                + " ("
                + e.getKey()
                + "): weight "
                + (before == null ? "(unset)" : before)
                + " -> "
                + after);
      }
    }
    out.println(written == 0 ? "Nothing to change." : "Updated " + written + " Service(s).");
    out.flush();
  }

  private static boolean hasReadyEndpoint(ClusterState state, List<Service> services) {
    for (Service s : services) {
      var t =
          ServiceTranslator.translate(
              s, state.slicesByService.getOrDefault(ServiceTranslator.keyOf(s), List.of()));
      if (t instanceof io.turnout.controller.k8s.Translation.Accepted a
          && !a.route().endpoints().isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
