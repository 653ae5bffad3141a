package io.turnout.gateway.affinity;

import io.netty.util.AsciiString;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.config.RepinPolicy;
import java.nio.charset.StandardCharsets;

/**
 * One host's affinity settings, resolved (host overrides over global defaults) and made ready for
 * the request path. Immutable; built when a snapshot is compiled.
 */
public final class AffinityPolicy {
  private final String cookieName;
  private final RepinPolicy repin;
  private final long drainTimeoutNanos;
  private final PinCookieCodec codec;
  private final AsciiString keyHeader;
  private final long maxAgeSeconds;
  private final AsciiString previewHeader;
  private final AsciiString tokenHeader;
  private final String previewToken;
  private final AffinitySettings settings;
  private final byte[] cookiePrefix; // "<cookie>="
  private final byte[] cookieSuffix; // "; Path=/; HttpOnly; SameSite=Lax[; Max-Age=<s>]"
  private final byte[] secureCookieSuffix; // the same with "; Secure" before Max-Age

  private AffinityPolicy(AffinitySettings s, PreviewSettings preview, PinCookieCodec codec) {
    this.settings = s;
    this.cookieName = s.cookie();
    this.repin = s.repin();
    this.drainTimeoutNanos = s.drainTimeout().toNanos();
    this.codec = codec;
    this.keyHeader = s.keyHeader() == null ? null : AsciiString.cached(s.keyHeader());
    this.maxAgeSeconds = s.maxAge() == null ? 0 : s.maxAge().toSeconds();
    this.previewHeader = AsciiString.cached(preview.header());
    this.tokenHeader = AsciiString.cached(preview.tokenHeader());
    this.previewToken = preview.token();
    String maxAge = maxAgeSeconds > 0 ? "; Max-Age=" + maxAgeSeconds : "";
    this.cookiePrefix = ascii(cookieName + "=");
    this.cookieSuffix = ascii("; Path=/; HttpOnly; SameSite=Lax" + maxAge);
    this.secureCookieSuffix = ascii("; Path=/; HttpOnly; SameSite=Lax; Secure" + maxAge);
  }

  /**
   * @param resolved global defaults already overridden by the host's settings
   * @throws IllegalArgumentException or {@link java.io.UncheckedIOException} when the keys cannot
   *     be read
   */
  public static AffinityPolicy of(AffinitySettings resolved, PreviewSettings preview) {
    return new AffinityPolicy(resolved, preview, CookieKeys.codecFor(resolved));
  }

  public String cookieName() {
    return cookieName;
  }

  public RepinPolicy repin() {
    return repin;
  }

  public long drainTimeoutNanos() {
    return drainTimeoutNanos;
  }

  public PinCookieCodec codec() {
    return codec;
  }

  /** Header whose value hashes to the bucket of cookie-less clients, or null. */
  public AsciiString keyHeader() {
    return keyHeader;
  }

  public AsciiString previewHeader() {
    return previewHeader;
  }

  public AsciiString tokenHeader() {
    return tokenHeader;
  }

  /** Token that unlocks dark versions, or null when none is configured. */
  public String previewToken() {
    return previewToken;
  }

  public AffinitySettings settings() {
    return settings;
  }

  /**
   * The full {@code Set-Cookie} header value pinning {@code bucket} to {@code version} on {@code
   * host} (the request's {@code Host} header; the MAC covers it): {@code <cookie>=<pin>; Path=/;
   * HttpOnly; SameSite=Lax[; Secure][; Max-Age=<s>]}. Built as bytes in one array of its exact
   * size, the form the HTTP encoder copies without converting: a new visitor's cookie was 14% of
   * the bytes allocated per request as strings and builders.
   */
  public AsciiString setCookieHeader(
      int bucket, String version, CharSequence host, boolean secure) {
    byte[] suffix = secure ? secureCookieSuffix : cookieSuffix;
    byte[] out =
        new byte[cookiePrefix.length + PinCookieCodec.valueLength(bucket, version) + suffix.length];
    System.arraycopy(cookiePrefix, 0, out, 0, cookiePrefix.length);
    int o = codec.write(bucket, version, host, out, cookiePrefix.length);
    System.arraycopy(suffix, 0, out, o, suffix.length);
    return new AsciiString(out, false);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
