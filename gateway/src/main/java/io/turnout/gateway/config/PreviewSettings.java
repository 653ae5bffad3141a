package io.turnout.gateway.config;

/**
 * The preview override (docs/REFERENCE.md, version affinity, rule 1).
 *
 * @param header request header naming the wanted version (default {@code X-Turnout-Version})
 * @param tokenHeader request header carrying the preview token (default {@code X-Turnout-Token})
 * @param token token needed to reach a dark version; {@code null} means dark versions are
 *     unreachable
 */
public record PreviewSettings(String header, String tokenHeader, String token) {
  public static final PreviewSettings DEFAULTS =
      new PreviewSettings("X-Turnout-Version", "X-Turnout-Token", null);

  public PreviewSettings {
    header = header == null ? "X-Turnout-Version" : header;
    tokenHeader = tokenHeader == null ? "X-Turnout-Token" : tokenHeader;
  }
}
