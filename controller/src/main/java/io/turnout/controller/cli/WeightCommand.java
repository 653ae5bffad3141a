package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code turnout weight HOST VERSION=W...}. */
@Command(
    name = "weight",
    mixinStandardHelpOptions = true,
    description = {
      "Set the weights of versions of a host (the turnout.io/weight annotations of its Services).",
      "Versions not named keep their weight. Example: turnout weight shop.example.com green=25"
    })
final class WeightCommand implements Callable<Integer> {
  private final Supplier<KubernetesClient> clients;
  @Spec CommandSpec spec;

  @Mixin NamespaceOption scope;

  @Parameters(index = "0", paramLabel = "HOST", description = "Host name, as in turnout.io/host.")
  String host;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "VERSION=WEIGHT",
      description = "New weight of a version, an integer >= 0.")
  List<String> weights;

  WeightCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    Map<String, Integer> wanted = new LinkedHashMap<>();
    for (String arg : weights) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new Cli.Refused("'" + arg + "' is not VERSION=WEIGHT");
      }
      String version = arg.substring(0, eq).trim();
      if (wanted.put(version, WeightChange.parseWeight(version, arg.substring(eq + 1))) != null) {
        throw new Cli.Refused("version " + version + " is given twice");
      }
    }
    try (KubernetesClient client = clients.get()) {
      WeightChange.apply(
          client, scope.namespace, host, wanted, null, false, spec.commandLine().getOut());
    }
    return 0;
  }
}
