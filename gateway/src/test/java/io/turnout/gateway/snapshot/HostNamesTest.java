package io.turnout.gateway.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One spelling per host: normalised before the validator compares and the table indexes. */
class HostNamesTest {
  @Test
  void lowerCaseOneTrailingDotRemovedAndIdnAsPunycode() {
    assertEquals("shop.example.com", HostNames.normalize("SHOP.Example.COM."));
    assertEquals("xn--bcher-kva.example", HostNames.normalize("Bücher.example"));
    assertEquals("*.xn--bcher-kva.example", HostNames.normalize("*.bücher.example."));
    assertEquals("*", HostNames.normalize("*"));
    assertEquals("a.com.", HostNames.normalize("a.com.."), "only one dot is removed");
  }

  @Test
  void broadNamesAreTheCatchAllAndWildcardsWithFewerThanTwoLabels() {
    assertTrue(HostNames.isBroad("*"));
    assertTrue(HostNames.isBroad("*.com"));
    assertFalse(HostNames.isBroad("*.co.uk"));
    assertFalse(HostNames.isBroad("*.example.com"));
    assertFalse(HostNames.isBroad("com"));
  }

  private static Snapshot snapshot(String... hosts) {
    return new Snapshot(
        1,
        java.util.Arrays.stream(hosts)
            .map(
                h ->
                    new HostSpec(
                        h,
                        List.of(
                            new RouteSpec(
                                "/",
                                List.of(
                                    new VersionSpec(
                                        "v", 1, List.of(new EndpointSpec("10.0.0.1", 80))))))))
            .toList());
  }

  @Test
  void theValidatorSeesTwoSpellingsOfOneHostAsADuplicate() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> SnapshotValidator.validate(snapshot("shop.example.com", "SHOP.Example.COM.")));
    assertEquals(
        List.of("hosts[1].host: 'SHOP.Example.COM.' appears more than once (as shop.example.com)"),
        e.problems());
    assertThrows(
        ConfigException.class,
        () -> SnapshotValidator.validate(snapshot("xn--bcher-kva.example", "bücher.example")));
  }

  @Test
  void theValidatorAcceptsInternationalNamesAndRefusesAnEmptyLastLabel() throws Exception {
    SnapshotValidator.validate(snapshot("bücher.example", "*.bücher.example", "shop.example.com."));
    ConfigException e =
        assertThrows(ConfigException.class, () -> SnapshotValidator.validate(snapshot("a.com..")));
    assertEquals(
        List.of("hosts[0].host: 'a.com..' is not a host name, *.suffix wildcard or *"),
        e.problems());
  }

  @Test
  void aHostConfiguredWithAnyCaseTrailingDotOrUnicodeIsReachedByItsNormalName() throws Exception {
    try (TestUpstream shop = TestUpstream.start("shop");
        TestUpstream books = TestUpstream.start("books");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                hosts:
                  - host: SHOP.Example.COM.
                    routes:
                      - path: /
                        versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
                  - host: bücher.example
                    routes:
                      - path: /
                        versions: [{name: v1, weight: 1, endpoints: ["%s"]}]
                """
                    .formatted(shop.endpoint(), books.endpoint()))) {
      for (String host : List.of("shop.example.com", "Shop.example.com.", "SHOP.EXAMPLE.COM:80")) {
        assertEquals("shop", gw.get(host, "/").body(), host);
      }
      // Browsers send an internationalised name as punycode.
      assertEquals("books", gw.get("xn--bcher-kva.example", "/").body());
    }
  }
}
