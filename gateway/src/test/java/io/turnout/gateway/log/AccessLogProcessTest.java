package io.turnout.gateway.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.ForkedGateway;
import io.turnout.gateway.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The access log as shipped: a gateway process with the gateway's own logging set-up ({@code
 * GatewayLogging}, not the tests' logback-test.xml), requests over real sockets, lines read from
 * its stdout.
 */
class AccessLogProcessTest {
  @Test
  void eachRequestIsOneLineOnStdoutWithinTheFlushInterval() throws Exception {
    try (TestUpstream app = TestUpstream.start("blue");
        ForkedGateway gw =
            ForkedGateway.startAsShipped(
                """
                shutdown: { drainDelay: 0s, timeout: 2s }
                hosts:
                  - host: shop.test
                    routes: [{path: /, versions: [{name: blue, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(app.endpoint()))) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI readyz = URI.create("http://127.0.0.1:" + gw.adminPort() + "/readyz");
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  client
                          .send(
                              HttpRequest.newBuilder(readyz).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200);
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> res =
            client.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gw.httpPort() + "/a%20b?n=" + i))
                    .header("Host", "shop.test")
                    .header("X-Request-Id", "req-" + i)
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode());
      }
      Pattern line =
          Pattern.compile(
              "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(?:Z|[+-]\\d\\d:\\d\\d) host=shop.test"
                  + " version=blue why=\\S+ endpoint="
                  + Pattern.quote(app.endpoint())
                  + " method=GET path=/a%20b\\?n=(\\d) status=200 in=0 out=\\d+ ms=\\d+"
                  + " id=req-\\1");
      // Written within the flush interval, not only at exit.
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertEquals(3, accessLines(gw, line).size(), gw.log()));
      String metrics =
          client
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + gw.adminPort() + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertTrue(
          metrics.contains("turnout_access_log_dropped_total 0.0"), "the drop counter is exported");

      assertEquals(0, gw.terminate(30));
      // The application log as set up in code: stderr, time, level, thread, logger, message.
      assertTrue(
          Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+\\] \\S+ - .+$")
              .matcher(gw.log())
              .find(),
          gw.log());
    }
  }

  private static List<String> accessLines(ForkedGateway gw, Pattern line) {
    return Arrays.stream(gw.log().split("\n")).filter(l -> line.matcher(l).matches()).toList();
  }
}
