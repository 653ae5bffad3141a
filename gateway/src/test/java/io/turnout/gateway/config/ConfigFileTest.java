package io.turnout.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigFileTest {
  private static final String VALID =
      """
      listen: { http: 8080, admin: 9901 }
      affinity:
        cookie: turnout
        repin: navigation
        drainTimeout: 5m
        secret: change-me
      preview:
        header: X-Turnout-Version
        token: qa-token
      hosts:
        - host: shop.example.com
          routes:
            - path: /
              versions:
                - name: blue
                  weight: 90
                  endpoints: ["127.0.0.1:9001", "127.0.0.1:9002"]
                - name: green
                  weight: 10
                  endpoints: ["127.0.0.1:9011"]
      """;

  @Test
  void designExampleParses() throws Exception {
    GatewayConfig c = ConfigFile.parse(VALID);
    assertEquals(8080, c.listen().http());
    assertEquals(Duration.ofMinutes(5), c.affinity().drainTimeout());
    assertEquals(RepinPolicy.NAVIGATION, c.affinity().repin());
    assertEquals("qa-token", c.preview().token());
    assertEquals(2, c.hosts().get(0).routes().get(0).versions().size());
    assertEquals(
        9011, c.hosts().get(0).routes().get(0).versions().get(1).endpoints().get(0).port());
  }

  @Test
  void jsonIsAcceptedToo() throws Exception {
    GatewayConfig c =
        ConfigFile.parse(
            "{\"hosts\":[{\"host\":\"*\",\"routes\":[{\"path\":\"/\",\"versions\":[{\"name\":\"a\",\"weight\":1,\"endpoints\":[\"10.0.0.1:80\"]}]}]}]}");
    assertEquals("*", c.hosts().get(0).host());
  }

  @Test
  void negativeWeightNamesTheField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse(VALID.replace("weight: 10", "weight: -5")));
    assertEquals(
        "hosts[0].routes[0].versions[1].weight: must be >= 0, was -5", e.problems().get(0));
  }

  @Test
  void nonNumericWeightNamesTheField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse(VALID.replace("weight: 10", "weight: abc")));
    assertTrue(e.getMessage().startsWith("hosts[0].routes[0].versions[1].weight:"), e.getMessage());
  }

  @Test
  void unknownTransportNamesTheFieldAndTheChoices() throws ConfigException {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    VALID.replace("admin: 9901 }", "admin: 9901, transport: uring }")));
    assertEquals(
        "listen.transport: 'uring' is not one of auto, epoll, io_uring, nio", e.problems().get(0));
    assertEquals(
        "io_uring",
        ConfigFile.parse(VALID.replace("admin: 9901 }", "admin: 9901, transport: io_uring }"))
            .listen()
            .transport());
  }

  @Test
  void misspelledKeyIsAnErrorNotIgnored() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse(VALID.replace("weight: 10", "wieght: 10")));
    assertTrue(e.getMessage().contains("wieght"), e.getMessage());
  }

  @Test
  void badEndpointNamesTheFieldAndTheReason() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse(VALID.replace("127.0.0.1:9011", "127.0.0.1:99999")));
    assertTrue(
        e.getMessage().contains("hosts[0].routes[0].versions[1].endpoints[0]"), e.getMessage());
    assertTrue(e.getMessage().contains("outside 1..65535"), e.getMessage());
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String bad =
        VALID
            .replace("weight: 10", "weight: -1")
            .replace("name: blue", "name: green")
            .replace("drainTimeout: 5m", "drainTimeout: 5m")
            .replace("path: /", "path: nope");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(bad));
    assertEquals(3, e.problems().size(), e.problems().toString());
  }

  @Test
  void badDurationSaysWhatIsExpected() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse(VALID.replace("drainTimeout: 5m", "drainTimeout: soon")));
    assertTrue(e.getMessage().startsWith("affinity.drainTimeout:"), e.getMessage());
    assertTrue(e.getMessage().contains("250ms, 30s, 5m, 1h"), e.getMessage());
  }

  @Test
  void duplicateHostsAreRejectedCaseInsensitively() {
    String dup =
        VALID
            + VALID
                .substring(VALID.indexOf("  - host:"))
                .replace("shop.example.com", "SHOP.example.com");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.parse(dup));
    assertTrue(
        e.getMessage().contains("hosts[1].host: 'SHOP.example.com' appears more than once"),
        e.getMessage());
  }

  @Test
  void passiveHealthAndRetrySettingsHaveDefaultsAndAreChecked() throws Exception {
    UpstreamSettings d = ConfigFile.parse(VALID).upstream();
    assertEquals(5, d.ejectAfter());
    assertEquals(Duration.ofSeconds(5), d.ejectionTime());
    assertEquals(Duration.ofMinutes(2), d.maxEjectionTime());
    assertEquals(0.2, d.retryBudget());
    UpstreamSettings set =
        ConfigFile.parse(
                "upstream: { ejectAfter: 3, ejectionTime: 10m, retryBudget: 0.05 }\n" + VALID)
            .upstream();
    assertEquals(Duration.ofMinutes(10), set.maxEjectionTime(), "the cap follows a longer base");
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    "upstream: { ejectAfter: -1, retryBudget: 1.5, ejectionTime: 1m,"
                        + " maxEjectionTime: 30s }\n"
                        + VALID));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("upstream.ejectAfter: must be >= 0"), all);
    assertTrue(all.contains("upstream.retryBudget: must be between 0 and 1"), all);
    assertTrue(all.contains("upstream.maxEjectionTime: must be >= upstream.ejectionTime"), all);
  }

  @Test
  void inactivityTimeoutsHaveDefaultsZeroMeansNoLimitAndNegativesNameTheField() throws Exception {
    GatewayConfig d = ConfigFile.parse(VALID);
    assertEquals(Duration.ofSeconds(60), d.limits().sendTimeout());
    assertEquals(Duration.ofHours(1), d.limits().tunnelIdleTimeout());
    assertEquals(Duration.ofSeconds(60), d.upstream().readTimeout());
    assertEquals(Duration.ofSeconds(60), d.upstream().sendTimeout());
    GatewayConfig off =
        ConfigFile.parse(
            "limits: { sendTimeout: 0, tunnelIdleTimeout: 0s }\n"
                + "upstream: { readTimeout: 0ms, sendTimeout: 250ms }\n"
                + VALID);
    assertEquals(Duration.ZERO, off.limits().sendTimeout());
    assertEquals(Duration.ZERO, off.limits().tunnelIdleTimeout());
    assertEquals(Duration.ZERO, off.upstream().readTimeout());
    assertEquals(Duration.ofMillis(250), off.upstream().sendTimeout());
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    "limits: { sendTimeout: PT-1S, tunnelIdleTimeout: PT-1H }\n"
                        + "upstream: { readTimeout: PT-2S, sendTimeout: PT-3S }\n"
                        + VALID));
    String all = String.join("\n", e.problems());
    assertTrue(all.contains("limits.sendTimeout: must be >= 0, was -1000"), all);
    assertTrue(all.contains("limits.tunnelIdleTimeout: must be >= 0"), all);
    assertTrue(all.contains("upstream.readTimeout: must be >= 0, was -2000"), all);
    assertTrue(all.contains("upstream.sendTimeout: must be >= 0, was -3000"), all);
  }
}
