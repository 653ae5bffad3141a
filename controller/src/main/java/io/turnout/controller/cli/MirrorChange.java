package io.turnout.controller.cli;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.k8s.ServiceTranslator;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sets {@code turnout.io/mirror} on the Services of one version of a host; 0 removes the
 * annotation. Checked before the first write: an unknown host or version, or a percentage outside
 * 0..100, changes nothing. Services already at the wanted percentage are not written.
 */
public final class MirrorChange {
  private MirrorChange() {}

  /** Parses a percentage argument, refusing anything but an integer 0..100. */
  static int parsePercent(String text) {
    try {
      int p = Integer.parseInt(text.trim());
      if (p >= 0 && p <= 100) {
        return p;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new Cli.Refused("mirror percentage '" + text + "' is not an integer 0..100");
  }

  public static void apply(
      KubernetesClient client,
      String namespace,
      String host,
      String version,
      int percent,
      PrintWriter out) {
    ClusterState state = ClusterState.read(client, namespace);
    List<Service> services = state.servicesOfHostOrRefuse(host, namespace);
    List<Service> ofVersion = new ArrayList<>();
    TreeSet<String> versions = new TreeSet<>();
    for (Service s : services) {
      versions.add(ClusterState.versionOf(s));
      if (ClusterState.versionOf(s).equals(version)) {
        ofVersion.add(s);
      }
    }
    if (ofVersion.isEmpty()) {
      throw new Cli.Refused(
          "host "
              + host
              + " has no version '"
              + version
              + "' (versions: "
              + String.join(", ", versions)
              + ")");
    }
    int written = 0;
    for (Service s : ofVersion) {
      String key = ServiceTranslator.keyOf(s);
      Map<String, String> a = s.getMetadata().getAnnotations();
      String before = a == null ? null : a.get(Annotations.MIRROR);
      String beforeShown = before == null ? "0" : before.trim();
      String after = Integer.toString(percent);
      if (after.equals(beforeShown)) {
        out.println(key + " (" + version + "): mirror stays " + after + "%");
        continue;
      }
      String value = percent == 0 ? "null" : "\"" + after + "\"";
      client
          .services()
          .inNamespace(s.getMetadata().getNamespace())
          .withName(s.getMetadata().getName())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              "{\"metadata\":{\"annotations\":{\"" + Annotations.MIRROR + "\":" + value + "}}}");
      written++;
      out.println(key + " (" + version + "): mirror " + beforeShown + "% -> " + after + "%");
    }
    out.println(written == 0 ? "Nothing to change." : "Updated " + written + " Service(s).");
    out.flush();
  }
}
