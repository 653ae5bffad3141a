package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code turnout mirror HOST VERSION PERCENT}, and {@code turnout mirror status HOST}. */
@Command(
    name = "mirror",
    mixinStandardHelpOptions = true,
    subcommands = {MirrorStatusCommand.class},
    description = {
      "Copy a share of a host's GET and HEAD requests to a version (the turnout.io/mirror",
      "annotation of its Services). Clients are answered by their own version only; the copies'",
      "answers are discarded. 0 stops mirroring. Example: turnout mirror shop.example.com green 50",
      "'turnout mirror status HOST --gateway URL' compares live and mirrored traffic."
    })
final class MirrorCommand implements Callable<Integer> {
  private final Supplier<KubernetesClient> clients;
  @Spec CommandSpec spec;

  @Mixin NamespaceOption scope;

  // Optional for picocli only: a parent's required positionals would be demanded before the
  // "status" subcommand is recognised. call() requires all three.
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "HOST",
      description = "Host name, as in turnout.io/host.")
  String host;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VERSION",
      description = "The version to copy to.")
  String version;

  @Parameters(
      index = "2",
      arity = "0..1",
      paramLabel = "PERCENT",
      description = "Share of requests copied, an integer 0..100.")
  String percent;

  MirrorCommand(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  @Override
  public Integer call() {
    if (percent == null) {
      throw new Cli.Refused(
          "usage: turnout mirror HOST VERSION PERCENT, or turnout mirror status HOST --gateway URL");
    }
    int p = MirrorChange.parsePercent(percent);
    try (KubernetesClient client = clients.get()) {
      MirrorChange.apply(client, scope.namespace, host, version, p, spec.commandLine().getOut());
    }
    return 0;
  }
}
