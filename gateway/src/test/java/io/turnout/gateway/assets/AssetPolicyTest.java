package io.turnout.gateway.assets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.config.AssetSettings;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The asset path rule and the validation of {@code assets} settings. */
class AssetPolicyTest {
  private static final AssetPolicy DEFAULTS = AssetPolicy.of(AssetSettings.DEFAULTS);

  @Test
  void defaultPatternsArePathPrefixes() {
    assertTrue(DEFAULTS.fallback());
    assertTrue(DEFAULTS.isAsset("/assets/index-3f9a.js", "/"));
    assertTrue(DEFAULTS.isAsset("/static/js/main.1c2d.chunk.js?v=2", "/"));
    assertTrue(DEFAULTS.isAsset("/_next/static/chunks/app-9e8f.js", "/"));
    assertTrue(DEFAULTS.isAsset("/build/app.js", "/"));
    assertFalse(DEFAULTS.isAsset("/assets", "/"), "the directory itself is not a file");
    assertFalse(DEFAULTS.isAsset("/assetsx/a.js", "/"));
    assertFalse(DEFAULTS.isAsset("/api/assets/a.js", "/"));
    assertFalse(DEFAULTS.isAsset("/Assets/a.js", "/"), "case-sensitive, as paths are");
    assertFalse(DEFAULTS.isAsset("/", "/"));
  }

  @Test
  void patternsAlsoMatchRightAfterTheRoutePrefix() {
    assertTrue(DEFAULTS.isAsset("/shop/assets/a.js", "/shop"));
    assertTrue(DEFAULTS.isAsset("/assets/a.js", "/shop"), "from the path's start too");
    assertFalse(DEFAULTS.isAsset("/shop/api/assets/a.js", "/shop"));
  }

  @Test
  void dotSegmentsAndEncodedDotsNeverMatch() {
    assertFalse(DEFAULTS.isAsset("/assets/../api/me", "/"));
    assertFalse(DEFAULTS.isAsset("/assets/./a.js", "/"));
    assertFalse(DEFAULTS.isAsset("/assets/..", "/"));
    assertFalse(DEFAULTS.isAsset("/assets/%2e%2e/api/me", "/"));
    assertFalse(DEFAULTS.isAsset("/assets/%2E%2E/api/me", "/"));
    assertTrue(DEFAULTS.isAsset("/assets/a..b.js", "/"), "dots inside a name are fine");
    assertTrue(DEFAULTS.isAsset("/assets/a.js?next=/../x", "/"), "the query is not the path");
  }

  @Test
  void aHostOverrideReplacesOnlyWhatItSets() {
    AssetSettings host = new AssetSettings(null, List.of("/chunks/"));
    AssetPolicy p = AssetPolicy.of(new AssetSettings(false, null).overriddenBy(host));
    assertFalse(p.fallback(), "fallback comes from the global block");
    assertTrue(p.isAsset("/chunks/a.js", "/"));
    assertFalse(p.isAsset("/assets/a.js", "/"), "patterns are replaced, not merged");
    assertFalse(AssetPolicy.of(new AssetSettings(true, List.of())).isAsset("/assets/a", "/"));
  }

  @Test
  void configDefaultsAndOverrides() throws ConfigException {
    assertEquals(AssetSettings.DEFAULTS, GatewayConfig.defaults().assets());
    GatewayConfig c = ConfigFile.parse("assets:\n  fallback: false\n");
    assertEquals(new AssetSettings(false, AssetSettings.DEFAULTS.patterns()), c.assets());
  }

  @Test
  void badPatternsNameTheirField() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    """
                    assets:
                      patterns: ["static/", "/", "/a b/", "/x/../y/"]
                    hosts:
                      - host: shop.test
                        assets: { patterns: [""] }
                        routes:
                          - path: /
                            versions: [{name: v1, weight: 1, endpoints: ["127.0.0.1:1"]}]
                    """));
    assertEquals(
        List.of(
            "assets.patterns[0]: 'static/' must start with /",
            "assets.patterns[1]: '/' would treat every path as an asset; name the assets'"
                + " directory",
            "assets.patterns[2]: '/a b/' must be a plain path prefix (no spaces, ?, #, * or dot"
                + " segments)",
            "assets.patterns[3]: '/x/../y/' must be a plain path prefix (no spaces, ?, #, * or"
                + " dot segments)",
            "hosts[0].assets.patterns[0]: must not be empty"),
        e.problems());
  }

  @Test
  void aMisspelledKeyIsAnError() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigFile.parse("assets: { fallbak: false }\n"));
    assertTrue(e.getMessage().contains("fallbak"), e.getMessage());
  }
}
