package io.turnout.gateway.testing;

import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import io.turnout.gateway.source.FileSnapshotSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real gateway in this JVM, on loopback ports picked by the OS, configured by a YAML file in a
 * temp directory (watched, as in production). {@link #writeConfig} edits the file atomically the
 * way an editor or a ConfigMap update does.
 */
public final class GatewayFixture implements AutoCloseable {
  private final Path dir;
  private final Path file;
  private final GatewayServer server;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private GatewayFixture(String yaml) throws Exception {
    dir = Files.createTempDirectory("turnout-test");
    file = dir.resolve("turnout.yaml");
    Files.writeString(file, withEphemeralPorts(yaml), StandardCharsets.UTF_8);
    AtomicReference<GatewayServer> holder = new AtomicReference<>();
    FileSnapshotSource source =
        new FileSnapshotSource(
            file,
            c -> {
              GatewayServer s = holder.get();
              if (s != null) {
                s.settingsChanged(c);
              }
            },
            true);
    GatewayConfig config = source.loadInitial();
    server = GatewayServer.start(config, source);
    holder.set(server);
  }

  /**
   * Starts a gateway on {@code yaml}. Unless the YAML has a {@code listen:} block, ports are
   * ephemeral and shutdown is immediate.
   */
  public static GatewayFixture start(String yaml) throws Exception {
    return new GatewayFixture(yaml);
  }

  /** Starts a gateway whose one route sends every host and path to {@code endpoint}, as v1. */
  public static GatewayFixture routingAllTo(String endpoint) throws Exception {
    return start(
        """
        hosts:
          - host: "*"
            routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
        """
            .formatted(endpoint));
  }

  private static String withEphemeralPorts(String yaml) {
    String y = yaml;
    if (!y.contains("listen:")) {
      y = "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n" + y;
    }
    if (!y.contains("shutdown:")) {
      y = "shutdown: { drainDelay: 0s, timeout: 2s }\n" + y;
    }
    if (!y.contains("secret")) {
      y = y.replaceFirst("(?m)^affinity:\\s*$", "affinity:\n  secret: test-secret");
      if (!y.contains("secret")) {
        y = "affinity: { secret: test-secret }\n" + y;
      }
    }
    return y;
  }

  /** Replaces the config file atomically (temp file + rename). */
  public void writeConfig(String yaml) {
    try {
      Path tmp = dir.resolve("turnout.yaml.tmp");
      Files.writeString(tmp, withEphemeralPorts(yaml), StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates a config text the way the gateway does (for tests that expect rejection). */
  public static void validate(String yaml) throws Exception {
    ConfigFile.parse(yaml);
  }

  public GatewayServer server() {
    return server;
  }

  public int httpPort() {
    return server.httpPort();
  }

  public int adminPort() {
    return server.adminPort();
  }

  public Path configFile() {
    return file;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + httpPort() + path);
  }

  public URI adminUri(String path) {
    return URI.create("http://127.0.0.1:" + adminPort() + path);
  }

  public HttpClient client() {
    return client;
  }

  /**
   * GET {@code path} with the given Host header; the JDK client allows setting Host via system
   * property.
   */
  public HttpResponse<String> get(String host, String path)
      throws IOException, InterruptedException {
    return client.send(request(host, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpRequest.Builder request(String host, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
    if (host != null) {
      b.header("Host", host);
    }
    return b;
  }

  public String admin(String path) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(adminUri(path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** The value of a Prometheus sample line starting with {@code prefix}, or 0. */
  public double metric(String prefix) throws IOException, InterruptedException {
    for (String line : admin("/metrics").split("\n")) {
      if (line.startsWith(prefix)) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  @Override
  public void close() {
    server.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  static {
    // The JDK client refuses to set "Host" unless told it may (restricted header).
    System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host,connection");
  }
}
