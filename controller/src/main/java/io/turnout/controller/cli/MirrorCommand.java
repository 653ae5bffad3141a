package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code turnout mirror HOST VERSION PERCENT}. */
@Command(
    name = "mirror",
    mixinStandardHelpOptions = true,
    description = {
      "Copy a share of a host's GET and HEAD requests to a version (the turnout.io/mirror",
      "annotation of its Services). Clients are answered by their own version only; the copies'",
      "answers are discarded. 0 stops mirroring. Example: turnout mirror shop.example.com green 50"
    })
final class MirrorCommand implements Callable<Integer> {
  private final Supplier<KubernetesClient> clients;
  @Spec CommandSpec spec;

  @Mixin NamespaceOption scope;

  @Parameters(index = "0", paramLabel = "HOST", description = "Host name, as in turnout.io/host.")
  String host;

  @Parameters(index = "1", paramLabel = "VERSION", description = "The version to copy to.")
  String version;

  @Parameters(
      index = "2",
      paramLabel = "PERCENT",
      description = "Share of requests copied, an integer 0..100.")
  String percent;

  MirrorCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    int p = MirrorChange.parsePercent(percent);
    try (KubernetesClient client = clients.get()) {
      MirrorChange.apply(client, scope.namespace, host, version, p, spec.commandLine().getOut());
    }
    return 0;
  }
}
