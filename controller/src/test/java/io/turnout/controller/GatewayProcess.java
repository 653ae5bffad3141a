package io.turnout.controller;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway in its own process, started as an operator starts it ({@code turnout-gateway
 * --controller URL --report-to URL...}), so the test goes through the gateway's real entry point.
 */
public final class GatewayProcess implements AutoCloseable {
  private static final Pattern LISTENING =
      Pattern.compile("listening on (\\d+) \\(http\\) and (\\d+) \\(admin\\)");

  private final Process process;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private volatile int httpPort;

  private GatewayProcess(Process process) {
    this.process = process;
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
                    httpPort = Integer.parseInt(m.group(1));
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "gateway-process-output");
    pump.setDaemon(true);
    pump.start();
  }

  /** Streams routes from {@code controller}, reports to every URL of {@code reportTo}. */
  public static GatewayProcess start(URI controller, List<URI> reportTo) throws Exception {
    Path dir = Files.createTempDirectory("turnout-gateway-process");
    Path config = dir.resolve("turnout.yaml");
    Files.writeString(
        config,
        "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
            + "affinity: { secret: test-secret }\n"
            + "shutdown: { drainDelay: 0s, timeout: 1s }\naccessLog: false\n");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.turnout.gateway.Main");
    cmd.addAll(List.of("--config", config.toString(), "--controller", controller.toString()));
    for (URI u : reportTo) {
      cmd.addAll(List.of("--report-to", u.toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    GatewayProcess g = new GatewayProcess(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (g.httpPort == 0) {
      if (!p.isAlive() || System.nanoTime() - deadline > 0) {
        p.destroyForcibly();
        throw new IllegalStateException("gateway process did not start:\n" + g.log());
      }
      Thread.sleep(20);
    }
    return g;
  }

  public int httpPort() {
    return httpPort;
  }

  public String log() {
    return String.join("\n", output);
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the gateway's graceful stop
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
