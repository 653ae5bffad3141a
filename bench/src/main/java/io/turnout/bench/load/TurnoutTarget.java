package io.turnout.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Turnout gateway from its shaded jar, configured by a watched YAML file. Weight changes
 * rewrite the file (atomically); the gateway polls it every 200 ms.
 */
final class TurnoutTarget extends Target {
  private final Path jar;
  private final List<String> javaOptions;
  private final int adminPort;
  private final int bluePort;
  private final int greenPort;

  TurnoutTarget(
      String name,
      Path workDir,
      int port,
      int adminPort,
      Path jar,
      List<String> javaOptions,
      int bluePort,
      int greenPort) {
    super(name, port, workDir);
    this.jar = jar;
    this.javaOptions = List.copyOf(javaOptions);
    this.adminPort = adminPort;
    this.bluePort = bluePort;
    this.greenPort = greenPort;
  }

  @Override
  List<String> command() {
    List<String> cmd = new ArrayList<>();
    // The README's invocation: two malloc arenas. env execs java, so the pid is the JVM's.
    cmd.add("env");
    cmd.add("MALLOC_ARENA_MAX=2");
    cmd.add("java");
    cmd.addAll(javaOptions);
    cmd.add("-jar");
    cmd.add(jar.toAbsolutePath().toString());
    cmd.add("--config");
    cmd.add(configFile().toString());
    return cmd;
  }

  @Override
  Path configFile() {
    return dir.resolve("turnout.yaml");
  }

  @Override
  void writeConfig(int blue, int green) throws IOException {
    String yaml =
        """
        # Turnout under test. No access log (nginx and HAProxy run without one too).
        listen: { http: %d, admin: %d }
        accessLog: false
        affinity:
          cookie: turnout
          secret: bench-secret-not-for-production
        shutdown: { drainDelay: 0s, timeout: 2s }
        hosts:
          - host: %s
            routes:
              - path: /
                versions:
                  - name: blue
                    weight: %d
                    endpoints: ["127.0.0.1:%d"]
                  - name: green
                    weight: %d
                    endpoints: ["127.0.0.1:%d"]
        """
            .formatted(port, adminPort, HOST, blue, bluePort, green, greenPort);
    writeAtomically(configFile(), yaml);
  }

  @Override
  void setWeights(int blue, int green) throws IOException {
    writeConfig(blue, green);
  }

  @Override
  String weightChangeMethod() {
    return "rewrite the watched config file (atomic rename; polled every 200 ms)";
  }
}
