package io.turnout.gateway.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A gateway in a JVM of its own ({@code java -cp <test classpath> io.turnout.gateway.Main --config
 * FILE}), for what only a real process shows: its heap limit, its signals and its exit code. Ports
 * are picked by the OS and read back from the gateway's start-up log line.
 */
public final class ForkedGateway implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (\\d+) \\(http\\) and (\\d+) \\(admin\\)");

  private final Process process;
  private final Path config;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private volatile int httpPort;
  private volatile int adminPort;

  private ForkedGateway(Process process, Path config) {
    this.process = process;
    this.config = config;
    Thread pump =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  output.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    adminPort = Integer.parseInt(m.group(2));
                    httpPort = Integer.parseInt(m.group(1));
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "forked-gateway-output");
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * Starts a gateway process on {@code yaml} (ports ephemeral on loopback unless it has a {@code
   * listen:} block) with extra JVM options, and waits until it listens.
   */
  public static ForkedGateway start(String yaml, String... jvmOptions) throws Exception {
    return start(yaml, List.of(), jvmOptions);
  }

  /**
   * Like {@link #start(String, String...)}, with more arguments for the gateway after {@code
   * --config FILE}, e.g. {@code --controller URL} (then the file gives only the settings).
   */
  public static ForkedGateway start(String yaml, List<String> gatewayArgs, String... jvmOptions)
      throws Exception {
    return start(yaml, gatewayArgs, System.getProperty("java.class.path"), jvmOptions);
  }

  /**
   * Like {@link #start(String, String...)}, with the gateway's class path as shipped: the tests'
   * classes and resources (their {@code logback-test.xml} among them) left off.
   */
  public static ForkedGateway startAsShipped(String yaml, String... jvmOptions) throws Exception {
    String cp =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> !Path.of(e).endsWith("test-classes"))
            .collect(Collectors.joining(File.pathSeparator));
    return start(yaml, List.of(), cp, jvmOptions);
  }

  private static ForkedGateway start(
      String yaml, List<String> gatewayArgs, String classPath, String... jvmOptions)
      throws Exception {
    Path dir = Files.createTempDirectory("turnout-forked");
    Path config = dir.resolve("turnout.yaml");
    String y = yaml;
    if (!y.contains("listen:")) {
      y = "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n" + y;
    }
    if (!y.contains("secret")) {
      y = "affinity: { secret: test-secret }\n" + y;
    }
    Files.writeString(config, y, StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(jvmOptions));
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add("io.turnout.gateway.Main");
    cmd.add("--config");
    cmd.add(config.toString());
    cmd.addAll(gatewayArgs);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    ForkedGateway g = new ForkedGateway(p, config);
    // Generous: a JVM start on a machine shared with several builds has taken over 30 s.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (g.httpPort == 0) {
      if (!p.isAlive() || System.nanoTime() - deadline > 0) {
        p.destroyForcibly();
        throw new IllegalStateException("forked gateway did not start:\n" + g.log());
      }
      Thread.sleep(20);
    }
    return g;
  }

  public int httpPort() {
    return httpPort;
  }

  public int adminPort() {
    return adminPort;
  }

  /** The watched config file; rewrite it to change the running gateway's settings. */
  public Path configFile() {
    return config;
  }

  public Process process() {
    return process;
  }

  /** Everything the process printed so far. */
  public String log() {
    return String.join("\n", output);
  }

  /** Sends SIGTERM and waits for the exit code. */
  public int terminate(long timeoutSeconds) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("gateway did not exit after SIGTERM:\n" + log());
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
