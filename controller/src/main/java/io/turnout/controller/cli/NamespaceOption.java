package io.turnout.controller.cli;

import picocli.CommandLine.Option;

/** {@code -n/--namespace} of the operator verbs: one namespace, or all when left out. */
final class NamespaceOption {
  @Option(
      names = {"-n", "--namespace"},
      paramLabel = "NS",
      description = "Only Services in this namespace. Default: all namespaces.")
  String namespace;
}
