package io.turnout.bench.controller;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.turnout.controller.Controller;
import io.turnout.gateway.GatewayServer;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import io.turnout.gateway.source.ControllerSnapshotSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Mixed pages when a gateway replica joins during a drain (issue 10, section 2).
 *
 * <p>A controller on a mock API server, blue at 100 and green at 0, each with a real upstream that
 * answers its name. Gateway A (its own routing state, as a separate pod would have) opens {@code
 * pages} pages: each navigation lands on blue and gets a pin cookie. Then {@code turnout switch}
 * (blue 0, green 100): blue drains. Gateway B starts now, as an HPA scale-out would, and each open
 * page sends one sub-request (a fetch) through B, and one through A. A page is mixed when its
 * sub-request is answered by another version than its HTML (green instead of blue).
 *
 * <p>Args: {@code [pages=150]}. Prints one line per gateway.
 */
public final class DrainJoinBench {
  private static final String HOST = "shop.example.com";

  private DrainJoinBench() {}

  public static void main(String[] args) throws Exception {
    int pages = args.length > 0 ? Integer.parseInt(args[0]) : 150;
    HttpServer blue = upstream("blue");
    HttpServer green = upstream("green");
    KubernetesMockServer api = MockApiServer.startCrud();
    KubernetesClient client = api.createClient();
    app(client, "blue", 100, blue.getAddress().getPort());
    app(client, "green", 0, green.getAddress().getPort());
    Controller controller = Controller.start(client, Controller.Settings.defaults(0));
    GatewayServer a = gateway(controller);
    GatewayServer b = null;
    try {
      await(a, v -> v != null && v.weight() == 100);
      List<String> cookies = new ArrayList<>();
      for (int i = 0; i < pages; i++) {
        Answer page = get(a, null, true);
        if (!page.body.equals("blue") || page.cookie == null) {
          throw new IllegalStateException("page " + i + " did not load from blue: " + page);
        }
        cookies.add(page.cookie);
      }
      weight(client, "blue", 0);
      weight(client, "green", 100);
      await(a, v -> v.weight() == 0);

      b = gateway(controller); // joins while blue drains
      await(b, v -> v != null && v.weight() == 0);
      int mixedJoined = 0;
      int mixedOriginal = 0;
      for (String cookie : cookies) {
        mixedJoined += get(b, cookie, false).body.equals("blue") ? 0 : 1;
        mixedOriginal += get(a, cookie, false).body.equals("blue") ? 0 : 1;
      }
      System.out.printf("pages open on blue when it started draining: %d%n", pages);
      System.out.printf(
          "mixed pages, sub-request via the replica that joined: %d/%d%n", mixedJoined, pages);
      System.out.printf(
          "mixed pages, sub-request via the original gateway:   %d/%d%n", mixedOriginal, pages);
    } finally {
      if (b != null) {
        b.close();
      }
      a.close();
      controller.close();
      client.close();
      api.destroy();
      blue.stop(0);
      green.stop(0);
    }
    System.exit(0);
  }

  private static GatewayServer gateway(Controller controller) throws Exception {
    return GatewayServer.start(
        ConfigFile.parse(
            "listen: { http: 0, admin: 0, address: 127.0.0.1 }\n"
                + "affinity: { secret: bench-secret, drainTimeout: 5m }\n"
                + "shutdown: { drainDelay: 0s, timeout: 1s }\n"
                + "accessLog: false\n"),
        ControllerSnapshotSource.create(
            ControllerSnapshotSource.Settings.of(
                URI.create("http://127.0.0.1:" + controller.port()))));
  }

  private static void await(GatewayServer g, Predicate<VersionSpec> blueIs) throws Exception {
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!blueIs.test(blueOf(g.currentSnapshot()))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gateway never got the expected snapshot");
      }
      Thread.sleep(20);
    }
  }

  private static VersionSpec blueOf(Snapshot s) {
    if (s == null || s.hosts().isEmpty()) {
      return null;
    }
    return s.hosts().get(0).routes().get(0).versions().stream()
        .filter(v -> v.name().equals("blue"))
        .findFirst()
        .orElse(null);
  }

  private static HttpServer upstream(String name) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body = name.getBytes(StandardCharsets.UTF_8);
    s.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    s.start();
    return s;
  }

  private static void app(KubernetesClient client, String version, int weight, int port) {
    client
        .services()
        .inNamespace("shop")
        .resource(
            BenchResources.service(
                "shop",
                "shop-" + version,
                Map.of(
                    "turnout.io/host", HOST,
                    "turnout.io/version", version,
                    "turnout.io/weight", Integer.toString(weight))))
        .create();
    client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace("shop")
        .resource(
            BenchResources.slice("shop", "shop-" + version + "-1", "shop-" + version, port)
                .addNewEndpoint()
                .withAddresses("127.0.0.1")
                .endEndpoint()
                .build())
        .create();
  }

  private static void weight(KubernetesClient client, String version, int weight) {
    BenchResources.patchWeight(client, "shop", "shop-" + version, weight);
  }

  private record Answer(String body, String cookie) {}

  /** One request on a fresh connection: a navigation or a fetch, with the pin cookie if any. */
  private static Answer get(GatewayServer g, String cookie, boolean navigation) throws IOException {
    try (Socket s = new Socket("127.0.0.1", g.httpPort())) {
      s.setSoTimeout(20_000);
      StringBuilder req = new StringBuilder("GET /app HTTP/1.1\r\nHost: " + HOST + "\r\n");
      req.append(
          navigation
              ? "Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\nAccept: text/html\r\n"
              : "Sec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\nAccept: */*\r\n");
      if (cookie != null) {
        req.append("Cookie: ").append(cookie).append("\r\n");
      }
      req.append("Connection: close\r\n\r\n");
      s.getOutputStream().write(req.toString().getBytes(StandardCharsets.US_ASCII));
      String res = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = res.indexOf("\r\n\r\n");
      String head = res.substring(0, headEnd);
      String newCookie = null;
      for (String line : head.split("\r\n")) {
        if (line.regionMatches(true, 0, "Set-Cookie:", 0, 11)) {
          String v = line.substring(11).trim();
          newCookie = v.substring(0, v.indexOf(';') < 0 ? v.length() : v.indexOf(';'));
        }
      }
      String body =
          head.startsWith("HTTP/1.1 200") ? res.substring(headEnd + 4) : head.split("\r\n")[0];
      return new Answer(body, newCookie != null ? newCookie : cookie);
    }
  }
}
