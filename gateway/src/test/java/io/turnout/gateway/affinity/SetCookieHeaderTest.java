package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.PreviewSettings;
import io.turnout.gateway.config.RepinPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code Set-Cookie} value a new visitor gets, built as bytes in one array. */
class SetCookieHeaderTest {
  private static final String HOST = "Shop.Example.com:8443";

  private static AffinityPolicy policy(String cookie, Duration maxAge) {
    return AffinityPolicy.of(
        new AffinitySettings(
            cookie,
            RepinPolicy.NAVIGATION,
            Duration.ofMinutes(5),
            "s3cret",
            null,
            null,
            null,
            maxAge),
        PreviewSettings.DEFAULTS);
  }

  @Test
  void theHeaderIsTheCookieItsPinAndItsAttributes() {
    AffinityPolicy p = policy("tn", Duration.ofDays(7));
    String pin = p.codec().encode(4711, "green-2", HOST);

    assertEquals(
        "tn=" + pin + "; Path=/; HttpOnly; SameSite=Lax; Max-Age=604800",
        p.setCookieHeader(4711, "green-2", HOST, false).toString());
    assertEquals(
        "tn=" + pin + "; Path=/; HttpOnly; SameSite=Lax; Secure; Max-Age=604800",
        p.setCookieHeader(4711, "green-2", HOST, true).toString());
    assertEquals(
        "tn=" + pin + "; Path=/; HttpOnly; SameSite=Lax",
        policy("tn", null).setCookieHeader(4711, "green-2", HOST, false).toString());
  }

  @Test
  void thePinInTheHeaderVerifiesForItsHostAtEveryBucketWidth() {
    AffinityPolicy p = policy("turnout", null);
    for (int bucket : new int[] {0, 9, 10, 99, 100, 4711, 9999}) {
      String header = p.setCookieHeader(bucket, "blue", HOST, false).toString();
      int start = "turnout=".length();
      int end = header.indexOf(';');
      long pin = p.codec().verify(header, start, end, HOST);
      assertTrue(pin >= 0, header);
      assertEquals(bucket, PinCookieCodec.bucketOf(pin), header);
      assertEquals(
          "blue",
          header.substring(
              start + PinCookieCodec.versionStartOf(pin),
              start + PinCookieCodec.versionEndOf(pin)));
      assertEquals(-1, p.codec().verify(header, start, end, "other.example.com"), header);
    }
  }

  @Test
  void aNegativeBucketIsRefused() {
    assertThrows(
        IllegalArgumentException.class, () -> policy("t", null).codec().encode(-1, "blue", HOST));
  }
}
