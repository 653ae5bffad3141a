package io.turnout.chart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of a Kubernetes API server for Helm's {@code lookup} of a Secret, on loopback.
 *
 * <p>helm-java renders {@code template} as a dry-run install that still talks to the cluster of the
 * current kubeconfig for {@code lookup}: with no kubeconfig that is {@code localhost:8080}, on a
 * developer's machine it is their real cluster. The surefire configuration points {@code
 * KUBECONFIG} at a file that {@link #start()} writes, naming this server, so rendering never leaves
 * the JVM, and a test can put a Secret here to play "the release is already installed".
 *
 * <p>Threading: the JDK server's single dispatcher thread answers requests; the Secret map is
 * concurrent, so tests may change it from their own thread between renders.
 */
final class FakeKubernetesApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static FakeKubernetesApi instance;

  private final HttpServer server;
  private final Map<String, Map<String, Object>> secrets = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();

  private FakeKubernetesApi(HttpServer server) {
    this.server = server;
  }

  /** The one server of this JVM, started on first use, with the kubeconfig written. */
  static synchronized FakeKubernetesApi start() {
    if (instance == null) {
      try {
        HttpServer server =
            HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeKubernetesApi api = new FakeKubernetesApi(server);
        server.createContext("/", api::handle);
        server.start();
        api.writeKubeconfig();
        instance = api;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return instance;
  }

  /** Makes {@code lookup "v1" "Secret" namespace name} find a Secret with this data. */
  void putSecret(String namespace, String name, Map<String, String> base64Data) {
    secrets.put(
        namespace + "/" + name,
        Map.of(
            "apiVersion", "v1",
            "kind", "Secret",
            "metadata", Map.of("name", name, "namespace", namespace),
            "type", "Opaque",
            "data", base64Data));
  }

  void clear() {
    secrets.clear();
  }

  /** Paths of the requests served so far, to tell whether a render looked anything up. */
  List<String> requests() {
    return List.copyOf(requests);
  }

  private void writeKubeconfig() throws IOException {
    String path = System.getenv("KUBECONFIG");
    if (path == null || path.isBlank()) {
      throw new IllegalStateException(
          "KUBECONFIG is not set: run the chart tests through Maven (surefire sets it), or"
              + " helm-java would look Secrets up in whatever cluster ~/.kube/config names");
    }
    String server = "http://127.0.0.1:" + this.server.getAddress().getPort();
    String kubeconfig =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: fake",
            "  cluster: {server: \"" + server + "\"}",
            "users:",
            "- name: fake",
            "  user: {token: fake}",
            "contexts:",
            "- name: fake",
            "  context: {cluster: fake, user: fake, namespace: default}",
            "current-context: fake",
            "");
    Path file = Path.of(path);
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, kubeconfig, StandardCharsets.UTF_8);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    requests.add(exchange.getRequestMethod() + " " + path);
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply(exchange, 405, status(405, "MethodNotAllowed", "read-only fake"));
      } else if (path.equals("/api")) {
        reply(exchange, 200, Map.of("kind", "APIVersions", "versions", List.of("v1")));
      } else if (path.equals("/apis")) {
        reply(
            exchange, 200, Map.of("kind", "APIGroupList", "apiVersion", "v1", "groups", List.of()));
      } else if (path.equals("/api/v1")) {
        reply(exchange, 200, resourceList());
      } else if (path.startsWith("/api/v1/namespaces/") && path.contains("/secrets/")) {
        String[] parts = path.split("/");
        // ["", "api", "v1", "namespaces", NS, "secrets", NAME]
        Map<String, Object> secret = secrets.get(parts[4] + "/" + parts[6]);
        if (secret == null) {
          reply(exchange, 404, status(404, "NotFound", "secrets \"" + parts[6] + "\" not found"));
        } else {
          reply(exchange, 200, secret);
        }
      } else {
        reply(exchange, 404, status(404, "NotFound", path + " is not served by the fake"));
      }
    }
  }

  private static Map<String, Object> resourceList() {
    return Map.of(
        "kind", "APIResourceList",
        "apiVersion", "v1",
        "groupVersion", "v1",
        "resources",
            List.of(
                Map.of(
                    "name", "secrets",
                    "singularName", "secret",
                    "namespaced", true,
                    "kind", "Secret",
                    "verbs", List.of("get", "list", "watch"))));
  }

  private static Map<String, Object> status(int code, String reason, String message) {
    return Map.of(
        "kind",
        "Status",
        "apiVersion",
        "v1",
        "status",
        "Failure",
        "reason",
        reason,
        "message",
        message,
        "code",
        code);
  }

  private static void reply(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
