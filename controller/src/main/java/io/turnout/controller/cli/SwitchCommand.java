package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code turnout switch HOST VERSION}: all new users to one version. */
@Command(
    name = "switch",
    mixinStandardHelpOptions = true,
    description = {
      "Send every new user of a host to one version: it gets weight 100, every other version 0.",
      "Pinned users of the other versions drain. Refused when the version has no ready endpoint."
    })
final class SwitchCommand implements Callable<Integer> {
  private final Supplier<KubernetesClient> clients;
  @Spec CommandSpec spec;

  @Mixin NamespaceOption scope;

  @Option(names = "--force", description = "Switch even if the version has no ready endpoint.")
  boolean force;

  @Parameters(index = "0", paramLabel = "HOST", description = "Host name, as in turnout.io/host.")
  String host;

  @Parameters(index = "1", paramLabel = "VERSION", description = "The version to switch to.")
  String version;

  SwitchCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    try (KubernetesClient client = clients.get()) {
      WeightChange.apply(
          client,
          scope.namespace,
          host,
          Map.of(version, 100),
          0,
          !force,
          spec.commandLine().getOut());
    }
    return 0;
  }
}
