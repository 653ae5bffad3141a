package io.turnout.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code mirror:} settings block: defaults, and bad values named with their field. */
class MirrorSettingsTest {
  @Test
  void defaultsAreSixtyFourCopiesFiveSecondsAndNoCredentials() throws Exception {
    MirrorSettings m = ConfigFile.parse("accessLog: true").mirror();
    assertEquals(64, m.maxInFlight());
    assertEquals(Duration.ofSeconds(5), m.timeout());
    assertEquals(false, m.mirrorCredentials());
    assertEquals(false, m.mirrorBodies());
    assertEquals(65536L, m.maxBodySize());
    MirrorSettings set =
        ConfigFile.parse("mirror: { maxInFlight: 8, timeout: 250ms, mirrorCredentials: true }")
            .mirror();
    assertEquals(new MirrorSettings(8, Duration.ofMillis(250), true), set);
  }

  @Test
  void badValuesAreRejectedNamingTheField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse("mirror: { maxInFlight: 0, timeout: 0s }"));
    assertEquals(
        List.of("mirror.maxInFlight: must be > 0, was 0", "mirror.timeout: must be > 0, was 0"),
        e.problems());
    assertThrows(ConfigException.class, () -> ConfigFile.parse("mirror: { bodies: true }"));
    ConfigException size =
        assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse("mirror: { mirrorBodies: true, maxBodySize: 0 }"));
    assertEquals(List.of("mirror.maxBodySize: must be > 0, was 0"), size.problems());
  }
}
