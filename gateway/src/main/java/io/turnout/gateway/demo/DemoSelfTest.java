package io.turnout.gateway.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@code demo --self-test N}: N requests through the running demo gateway, as visits of two
 * requests each: a new visitor's page navigation ({@code GET /}, no cookie), then an API call with
 * the pin cookie the page set. Every answer must be 200, and every API call must come from the
 * version that served its page: the promise Turnout exists for. Prints one summary line.
 *
 * <p>Made for two jobs: a smoke test of a built image ({@code docker run IMAGE demo --self-test 100
 * --config-out /tmp/demo.yaml}), and the training run that records the classes the gateway loads,
 * start-up and request path alike, into the image's class-data-sharing archive
 * (gateway/Dockerfile).
 */
final class DemoSelfTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final PrintWriter out;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  DemoSelfTest(int httpPort, PrintWriter out) {
    this.base = URI.create("http://127.0.0.1:" + httpPort);
    this.out = out;
  }

  /** Sends {@code requests} requests (rounded up to whole visits); 0 when every one passed. */
  int run(int requests) throws InterruptedException {
    Map<String, Integer> visits = new TreeMap<>();
    int visitCount = (requests + 1) / 2;
    for (int i = 0; i < visitCount; i++) {
      String problem;
      try {
        problem = visit(visits);
      } catch (IOException e) {
        problem = "request failed: " + e;
      }
      if (problem != null) {
        out.printf("self-test: FAILED at visit %d of %d: %s%n", i + 1, visitCount, problem);
        out.flush();
        return 1;
      }
    }
    out.printf(
        "self-test: %d requests answered 200; %d visits by version %s; every API call was served"
            + " by its page's version%n",
        visitCount * 2, visitCount, visits);
    out.flush();
    return 0;
  }

  /** One visit; the problem found, or null. */
  private String visit(Map<String, Integer> visits) throws IOException, InterruptedException {
    HttpResponse<String> page =
        client.send(
            request("/")
                .header("Sec-Fetch-Mode", "navigate")
                .header("Sec-Fetch-Dest", "document")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (page.statusCode() != 200) {
      return "GET / answered " + page.statusCode();
    }
    Optional<String> servedBy = page.headers().firstValue("X-Served-By");
    Optional<String> pin =
        page.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith("turnout="))
            .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
            .findFirst();
    if (servedBy.isEmpty() || pin.isEmpty()) {
      return "GET / came without X-Served-By or the turnout pin cookie: " + page.headers().map();
    }
    HttpResponse<String> api =
        client.send(
            request("/api/version").header("Cookie", pin.get()).build(),
            HttpResponse.BodyHandlers.ofString());
    if (api.statusCode() != 200) {
      return "GET /api/version answered " + api.statusCode();
    }
    String apiVersion = api.headers().firstValue("X-Served-By").orElse("(none)");
    if (!apiVersion.equals(servedBy.get())) {
      return "the page came from " + servedBy.get() + " but its API call from " + apiVersion;
    }
    visits.merge(servedBy.get(), 1, Integer::sum);
    return null;
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT).GET();
  }
}
