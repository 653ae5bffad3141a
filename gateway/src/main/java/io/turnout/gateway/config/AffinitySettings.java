package io.turnout.gateway.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.util.List;

/**
 * Version-affinity settings (docs/REFERENCE.md, version affinity). The top-level {@code affinity:}
 * block gives the defaults; a host's {@code affinity:} block overrides any subset of them. A {@code
 * null} field means "not set here": {@link #overriddenBy} merges, {@link #DEFAULTS} fills the rest.
 *
 * @param cookie name of the pin cookie
 * @param repin {@code navigation} (a top-level navigation re-evaluates the pin) or {@code never}
 * @param drainTimeout how long a version that stopped taking new clients keeps serving its pinned
 *     clients' sub-requests
 * @param secret HMAC key for the cookie MAC
 * @param secretFile file holding the key(s), one per line; the first signs, all verify
 * @param secrets several keys for rotation: the first signs, all verify
 * @param keyHeader request header (e.g. {@code X-Device-Id}) whose hash gives the bucket to clients
 *     that send no cookie
 * @param maxAge cookie {@code Max-Age} (default 7 days, so a returning visitor keeps the bucket and
 *     the promise that clients only move towards the rising version holds across days); zero makes
 *     it a session cookie
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AffinitySettings(
    String cookie,
    RepinPolicy repin,
    Duration drainTimeout,
    String secret,
    String secretFile,
    List<String> secrets,
    String keyHeader,
    Duration maxAge) {

  /** What a gateway uses when the file says nothing. */
  public static final AffinitySettings DEFAULTS =
      new AffinitySettings(
          "turnout",
          RepinPolicy.NAVIGATION,
          Duration.ofMinutes(5),
          null,
          null,
          null,
          null,
          Duration.ofDays(7));

  public AffinitySettings {
    secrets = secrets == null ? null : List.copyOf(secrets);
  }

  /** These settings with every field {@code override} sets replaced by its value. */
  public AffinitySettings overriddenBy(AffinitySettings override) {
    if (override == null) {
      return this;
    }
    return new AffinitySettings(
        pick(override.cookie, cookie),
        pick(override.repin, repin),
        pick(override.drainTimeout, drainTimeout),
        pick(override.secret, secret),
        pick(override.secretFile, secretFile),
        pick(override.secrets, secrets),
        pick(override.keyHeader, keyHeader),
        pick(override.maxAge, maxAge));
  }

  private static <T> T pick(T preferred, T fallback) {
    return preferred != null ? preferred : fallback;
  }
}
