package io.turnout.gateway.affinity;

import io.netty.util.AsciiString;
import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.config.RepinPolicy;

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
   * host} (the request's {@code Host} header; the MAC covers it).
   */
  public String setCookieHeader(int bucket, String version, CharSequence host, boolean secure) {
    StringBuilder sb = new StringBuilder(96);
    sb.append(cookieName).append('=').append(codec.encode(bucket, version, host));
    sb.append("; Path=/; HttpOnly; SameSite=Lax");
    if (secure) {
      sb.append("; Secure");
    }
    if (maxAgeSeconds > 0) {
      sb.append("; Max-Age=").append(maxAgeSeconds);
    }
    return sb.toString();
  }
}
