package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.DarkUpstream;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.ServerSocket;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code turnout mirror status} against a real gateway's admin /metrics: live blue and a green that
 * gets a copy of every GET.
 */
class MirrorStatusCommandTest {
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  /** Runs {@code turnout args...}; what it printed is added to {@link #out} and {@link #err}. */
  private int run(String... args) {
    CliRun r = CliRun.offline(args);
    out.append(r.out());
    err.append(r.err());
    return r.code();
  }

  @Test
  void printsLiveAndMirrorSideBySideFromTheGatewaysMetrics() throws Exception {
    try (TestUpstream blue = TestUpstream.start("blue");
        DarkUpstream green = DarkUpstream.answering();
        GatewayFixture gw =
            GatewayFixture.start(
                """
                hosts:
                  - host: shop.test
                    routes:
                      - path: /
                        versions:
                          - {name: blue, weight: 1, endpoints: ["%s"]}
                          - {name: green, weight: 0, mirror: 100, endpoints: ["%s"]}
                """
                    .formatted(blue.endpoint(), green.endpoint()))) {
      for (int i = 0; i < 20; i++) {
        assertEquals(200, gw.get("shop.test", "/any").statusCode());
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> gw.server().proxy().mirror().inFlight() == 0);
      String admin = "http://127.0.0.1:" + gw.adminPort();
      assertEquals(0, run("mirror", "status", "shop.test", "--gateway", admin), err.toString());
      String[] lines = out.toString().split("\n");
      assertTrue(lines[0].matches("VERSION +ROLE +REQUESTS +P50 +P99 +5XX +DROPPED"), lines[0]);
      assertTrue(lines[1].matches("blue +live +20 +[0-9.]+ ms +[0-9.]+ ms +0\\.00% +-"), lines[1]);
      assertTrue(
          lines[2].matches("green +mirror +20 +[0-9.]+ ms +[0-9.]+ ms +0\\.00% +0"), lines[2]);

      // Two gateways' numbers add up (the same one twice here).
      out.setLength(0);
      assertEquals(0, run("mirror", "status", "shop.test", "--gateway", admin, "--gateway", admin));
      assertTrue(out.toString().matches("(?s).*\ngreen +mirror +40 .*"), out.toString());

      assertEquals(2, run("mirror", "status", "other.test", "--gateway", admin));
      assertTrue(err.toString().contains("no gateway has served host other.test"), err.toString());
    }
  }

  @Test
  void anUnreachableGatewayIsExitCode1AndAMissingGatewayIsAUsageError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertEquals(1, run("mirror", "status", "shop.test", "--gateway", "http://127.0.0.1:" + port));
    assertTrue(err.toString().contains("cannot read http://127.0.0.1:" + port), err.toString());
    assertEquals(2, run("mirror", "status", "shop.test"));
  }
}
