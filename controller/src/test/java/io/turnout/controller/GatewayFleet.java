package io.turnout.controller;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.testing.ForkedGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * N real gateway processes (each its own JVM, {@code --controller URL --snapshot-cache FILE})
 * behind one controller, as an HPA fleet would run: add one, crash and restart one, change the
 * settings of all, read what each one routes by. Its own snapshot cache per gateway, kept across a
 * restart as a pod's emptyDir outlives a container restart.
 *
 * <p>Used from the test thread only.
 */
final class GatewayFleet implements AutoCloseable {
  private static final String[] JVM = {
    "-Xmx96m", "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=PARANOID"
  };

  private final URI controller;
  private final Path dir;
  private String settings;
  private final List<ForkedGateway> gateways = new ArrayList<>();
  private final Map<ForkedGateway, Path> caches = new HashMap<>();
  private final List<String> finishedLogs = new ArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private int started;

  /**
   * @param settings the gateways' config file (listen ports are added: ephemeral, loopback)
   */
  GatewayFleet(URI controller, Path dir, String settings) {
    this.controller = controller;
    this.dir = dir;
    this.settings = settings;
  }

  /** Starts one more gateway process and waits until it listens (not until it has routes). */
  ForkedGateway add() throws Exception {
    return start(dir.resolve("cache-" + (started++) + ".json"));
  }

  private ForkedGateway start(Path cache) throws Exception {
    ForkedGateway g =
        ForkedGateway.start(
            settings,
            List.of("--controller", controller.toString(), "--snapshot-cache", cache.toString()),
            JVM);
    gateways.add(g);
    caches.put(g, cache);
    return g;
  }

  /** Kills {@code g} (SIGKILL: a crash, no graceful stop) and starts its replacement. */
  ForkedGateway restart(ForkedGateway g) throws Exception {
    g.process().destroyForcibly().waitFor();
    finishedLogs.add(g.log());
    gateways.remove(g);
    return start(caches.remove(g));
  }

  List<ForkedGateway> gateways() {
    return List.copyOf(gateways);
  }

  /** Rewrites every gateway's config file; each applies it within a second (file watch). */
  void settings(String yaml) throws IOException {
    settings = yaml;
    for (ForkedGateway g : gateways) {
      String withListen = Files.readString(g.configFile()).lines().findFirst().orElseThrow();
      Files.writeString(g.configFile(), withListen + "\n" + yaml, StandardCharsets.UTF_8);
    }
  }

  /**
   * The snapshot {@code g} routes by (its admin port's {@code /snapshot}), or null for none yet.
   */
  Snapshot snapshotOf(ForkedGateway g) throws IOException, InterruptedException {
    HttpResponse<String> res =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + g.adminPort() + "/snapshot"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (res.statusCode() != 200) {
      return null;
    }
    try {
      return SnapshotJson.parseSnapshot(res.body());
    } catch (ConfigException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Lines where Netty's leak detector (PARANOID in every gateway) reported a leak. */
  List<String> leakReports() {
    List<String> logs = new ArrayList<>(finishedLogs);
    gateways.forEach(g -> logs.add(g.log()));
    return logs.stream().flatMap(String::lines).filter(l -> l.contains("LEAK:")).toList();
  }

  @Override
  public void close() {
    gateways.forEach(ForkedGateway::close);
  }
}
