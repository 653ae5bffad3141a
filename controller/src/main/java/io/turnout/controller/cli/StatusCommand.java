package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.turnout.controller.k8s.Rejection;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.VersionSpec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code turnout status}: the routes as the controller builds them, with each version's share. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show every host, path and version with its weight, ready endpoints and share of new users.",
      "SHARE counts only serving versions (weight > 0 and a ready endpoint), as the gateway does."
    })
final class StatusCommand implements Callable<Integer> {
  private final Supplier<KubernetesClient> clients;
  @Spec CommandSpec spec;

  @Mixin NamespaceOption scope;

  @Option(names = "--host", paramLabel = "HOST", description = "Only this host.")
  String host;

  StatusCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    ClusterState state;
    try (KubernetesClient client = clients.get()) {
      state = ClusterState.read(client, scope.namespace);
    }
    PrintWriter out = spec.commandLine().getOut();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"HOST", "PATH", "VERSION", "WEIGHT", "READY", "SHARE", ""});
    for (HostSpec h : state.hosts) {
      if (host != null && !h.host().equalsIgnoreCase(host.trim())) {
        continue;
      }
      for (RouteSpec r : h.routes()) {
        long total = 0;
        for (VersionSpec v : r.versions()) {
          total += serving(v) ? v.weight() : 0;
        }
        for (VersionSpec v : r.versions()) {
          int ready = (int) v.endpoints().stream().filter(e -> e.ready()).count();
          String share =
              serving(v) && total > 0
                  ? String.format(Locale.ROOT, "%.1f%%", 100.0 * v.weight() / total)
                  : "0%";
          String note =
              v.weight() > 0 && ready == 0
                  ? "no ready endpoints"
                  : v.weight() == 0 && ready > 0 ? "takes no new users (drains if pinned)" : "";
          rows.add(
              new String[] {
                h.host(), r.path(), v.name(), "" + v.weight(), "" + ready, share, note
              });
        }
      }
    }
    if (rows.size() == 1) {
      out.println(
          host == null
              ? "No Service has a turnout.io/host annotation"
                  + (scope.namespace == null ? "." : " in namespace " + scope.namespace + ".")
              : "No routes for host " + host + ".");
    } else {
      print(out, rows);
    }
    if (!state.rejections.isEmpty()) {
      out.println();
      out.println("Left out of the snapshot:");
      for (Rejection r : state.rejections) {
        out.println("  " + r.key() + ": " + r.message());
      }
    }
    out.flush();
    return 0;
  }

  private static boolean serving(VersionSpec v) {
    return v.weight() > 0 && v.hasReadyEndpoint();
  }

  private static void print(PrintWriter out, List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] row : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        sb.append(row[i]);
        if (i < cols - 1) {
          sb.append(" ".repeat(width[i] - row[i].length() + 2));
        }
      }
      out.println(sb.toString().stripTrailing());
    }
  }
}
