package io.turnout.controller.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code turnout} command: {@code run} (the controller) and the operator verbs {@code status},
 * {@code weight}, {@code switch} and {@code mirror}, which use the caller's kubeconfig.
 *
 * <p>Exit codes: 0 done; 1 the cluster could not be read or written; 2 bad arguments or a refused
 * request (unknown host or version, bad weight), nothing changed.
 */
@Command(
    name = "turnout",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.Version.class,
    description = "Turnout controller and operator CLI.",
    subcommands = {CommandLine.HelpCommand.class},
    footer = {
      "",
      "Exit codes: 0 ok, 1 cluster error, 2 bad arguments or refused (nothing changed)."
    })
public final class Cli implements Runnable {
  /** Exit code when the cluster could not be reached or refused a write. */
  public static final int CLUSTER_ERROR = 1;

  /** Exit code for bad arguments and refused requests: nothing was changed. */
  public static final int REFUSED = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    // picocli prints this message and the usage, and exits with 2.
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a command is required: run, status, weight, switch, rollout or mirror");
  }

  /** Thrown by verbs to refuse with a message and exit code 2. */
  static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * The command line, with {@code clients} supplying a Kubernetes client for each verb that needs
   * one (the verb closes it).
   */
  public static CommandLine commandLine(
      Supplier<KubernetesClient> clients, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Cli());
    cl.addSubcommand("run", new RunCommand(clients));
    cl.addSubcommand("status", new StatusCommand(clients));
    cl.addSubcommand("weight", new WeightCommand(clients));
    cl.addSubcommand("switch", new SwitchCommand(clients));
    cl.addSubcommand("rollout", new RolloutCommand(clients));
    cl.addSubcommand("mirror", new MirrorCommand(clients));
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof Refused) {
            commandLine.getErr().println("error: " + e.getMessage());
            return REFUSED;
          }
          if (e instanceof KubernetesClientException k) {
            commandLine
                .getErr()
                .println(
                    "error: the Kubernetes API failed"
                        + (k.getCode() > 0 ? " (HTTP " + k.getCode() + ")" : "")
                        + ": "
                        + firstLine(k.getMessage())
                        + rootCause(k));
            return CLUSTER_ERROR;
          }
          commandLine.getErr().println("error: " + e);
          return CLUSTER_ERROR;
        });
    return cl;
  }

  /** The innermost cause (unknown host, refused connection), which says what really went wrong. */
  private static String rootCause(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? "" : " (" + root + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  public static int execute(Supplier<KubernetesClient> clients, String... args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    return commandLine(clients, out, err).execute(args);
  }

  /** The entry point of {@code turnout-controller.jar}. */
  public static void main(String[] args) {
    System.exit(execute(Cli::defaultClient, args));
  }

  /**
   * A client from the usual places (kubeconfig, {@code KUBECONFIG}, in-cluster service account),
   * failing fast: fabric8 would otherwise retry a dead API server for a minute before an operator
   * at a terminal hears anything. The controller's informers retry on their own.
   */
  static KubernetesClient defaultClient() {
    Config config = Config.autoConfigure(null);
    config.setRequestRetryBackoffLimit(1);
    config.setConnectionTimeout(5_000);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Cli.class.getPackage().getImplementationVersion();
      return new String[] {"turnout " + (v == null ? "dev" : v)};
    }
  }
}
