package io.turnout.gateway.demo;

import io.netty.channel.EventLoopGroup;
import io.turnout.gateway.Main;
import io.turnout.gateway.proxy.Transport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code turnout-gateway demo}: starts a blue and a green demo app, writes a config file that sends
 * 90% of new users to blue and 10% to green on the catch-all host, and runs the gateway on it. Edit
 * the file to shift weights live.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the gateway with two embedded demo apps (blue 90%%, green 10%%).")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--http", description = "Gateway HTTP port (default ${DEFAULT-VALUE}).")
  int http = 8080;

  @Option(names = "--admin", description = "Gateway admin port (default ${DEFAULT-VALUE}).")
  int admin = 9901;

  @Option(
      names = "--config-out",
      paramLabel = "FILE",
      description = "Where to write the demo config (default ${DEFAULT-VALUE}).")
  Path configOut = Path.of("turnout-demo.yaml");

  @Option(
      names = "--self-test",
      paramLabel = "N",
      description =
          "Send N requests through the gateway (visits: a page, then an API call with its pin"
              + " cookie), print what they got, stop and exit: 0 when every answer was 200 and"
              + " every API call came from its page's version.")
  int selfTest;

  @Override
  public Integer call() throws Exception {
    Transport transport = Transport.best();
    EventLoopGroup apps = transport.newGroup(1, "turnout-demo-apps");
    try (DemoApp blue = DemoApp.start("blue", "#1e5aa8", "127.0.0.1", 0, apps, transport);
        DemoApp green = DemoApp.start("green", "#1b8a4b", "127.0.0.1", 0, apps, transport)) {
      Files.writeString(configOut, config(blue.port(), green.port()), StandardCharsets.UTF_8);
      Path file = configOut.toAbsolutePath();
      if (selfTest > 0) {
        return Main.runFromFileWhile(
            file,
            server -> selfTest(new DemoSelfTest(server.httpPort(), spec.commandLine().getOut())));
      }
      System.out.printf(
          """

          Turnout demo is running.
            Open         http://localhost:%1$d/  (reload to get a new pick; each tab stays on its version)
            Try          curl -s -H 'Host: localhost' localhost:%1$d/api/version
            Admin        http://localhost:%2$d/metrics  /snapshot  /readyz
            Config       %3$s
          Shift users live: edit the weights in that file (e.g. blue 50 / green 50, or 0 / 100)
          and save; the gateway applies it within a second. Ctrl-C stops.

          """,
          http, admin, file);
      return Main.runFromFile(file);
    } finally {
      apps.shutdownGracefully();
    }
  }

  private int selfTest(DemoSelfTest test) {
    try {
      return test.run(selfTest);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private String config(int bluePort, int greenPort) {
    return """
        # Written by `turnout-gateway demo`. Edit the weights and save: applied within a second.
        listen: { http: %d, admin: %d }
        affinity:
          cookie: turnout
          repin: navigation
          drainTimeout: 5m
          secret: demo-secret-change-me
        preview:
          header: X-Turnout-Version
          token: demo-preview-token
        shutdown: { drainDelay: 0s, timeout: 5s }
        hosts:
          - host: "*"
            routes:
              - path: /
                versions:
                  - name: blue
                    weight: 90
                    endpoints: ["127.0.0.1:%d"]
                  - name: green
                    weight: 10
                    endpoints: ["127.0.0.1:%d"]
        """
        .formatted(http, admin, bluePort, greenPort);
  }
}
