package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.Supplier;

/**
 * One run of the {@code turnout} command line in the test's JVM, as a user would type it: its exit
 * code and what it printed on stdout and stderr.
 */
public record CliRun(int code, String out, String err) {

  /** Runs {@code turnout args...} with Kubernetes clients from {@code clients}. */
  public static CliRun of(Supplier<KubernetesClient> clients, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Cli.commandLine(clients, new PrintWriter(out, true), new PrintWriter(err, true))
            .execute(args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** Runs a command that must not touch Kubernetes: asking for a client fails the test. */
  public static CliRun offline(String... args) {
    return of(
        () -> {
          throw new AssertionError("turnout " + String.join(" ", args) + " needs no cluster");
        },
        args);
  }

  /** Stdout, after checking that the command succeeded (else fails with what it printed). */
  public String succeeded() {
    assertEquals(0, code, out + err);
    return out;
  }
}
