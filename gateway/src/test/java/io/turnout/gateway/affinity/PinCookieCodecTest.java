package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinCookieCodecTest {
  private static final PinCookieCodec CODEC =
      new PinCookieCodec(List.of("key-one".getBytes(StandardCharsets.UTF_8)));
  private static final String HOST = "shop.example.com";

  @Test
  void encodedPinVerifiesToTheSameBucketAndVersion() {
    for (int bucket : new int[] {0, 7, 4711, 9999}) {
      String value = CODEC.encode(bucket, "green-2.1_a", HOST);
      long pin = CODEC.verify(value, 0, value.length(), HOST);
      assertTrue(pin >= 0, value);
      assertEquals(bucket, PinCookieCodec.bucketOf(pin));
      String version =
          value.substring(PinCookieCodec.versionStartOf(pin), PinCookieCodec.versionEndOf(pin));
      assertEquals("green-2.1_a", version);
    }
  }

  @Test
  void verifyReadsARegionOfALongerHeader() {
    String value = CODEC.encode(1234, "blue", HOST);
    String header = "a=b; turnout=" + value + "; c=d";
    int start = header.indexOf(value);
    long pin = CODEC.verify(header, start, start + value.length(), HOST);
    assertEquals(1234, PinCookieCodec.bucketOf(pin));
    assertEquals(
        "blue",
        header.substring(
            start + PinCookieCodec.versionStartOf(pin), start + PinCookieCodec.versionEndOf(pin)));
  }

  @Test
  void changingAnyCharacterIsRejected() {
    String value = CODEC.encode(4711, "green", HOST);
    String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.";
    for (int i = 0; i < value.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == value.charAt(i)) {
          continue;
        }
        String forged = value.substring(0, i) + c + value.substring(i + 1);
        assertEquals(-1, CODEC.verify(forged, 0, forged.length(), HOST), "accepted " + forged);
      }
    }
  }

  @Test
  void malformedValuesAreRejectedNotThrown() {
    for (String bad :
        new String[] {
          "",
          "1.",
          "garbage",
          "1.12345.blue.AAAAAAAAAAAAAAAAAAAAAA",
          "3.1.blue.x",
          "1..blue.AAAAAAAAAAAAAAAAAAAAAA",
          "1.1.é.AAAAAAAAAAAAAAAAAAAAAA"
        }) {
      assertEquals(-1, CODEC.verify(bad, 0, bad.length(), HOST), bad);
    }
  }

  @Test
  void macEqualsTheJdkHmacSha256ForShortAndLongKeys() throws Exception {
    java.util.Random random = new java.util.Random(1);
    for (int keyLength : new int[] {1, 16, 32, 63, 64, 65, 200}) {
      byte[] key = new byte[keyLength];
      random.nextBytes(key);
      byte[] data = new byte[random.nextInt(80) + 1];
      random.nextBytes(data);
      javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256");
      jdk.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
      byte[] out = new byte[32];
      PinCookieCodec.Hmac ours = new PinCookieCodec.Hmac(key);
      ours.mac(data, data.length, out);
      assertArrayEquals(jdk.doFinal(data), out, "key length " + keyLength);
      ours.mac(data, data.length, out); // reusable: state resets after each MAC
      assertArrayEquals(jdk.doFinal(data), out, "key length " + keyLength + ", second MAC");
    }
  }

  @Test
  void rotationSignsWithTheFirstKeyAndAcceptsAny() {
    PinCookieCodec old = new PinCookieCodec(List.of("old".getBytes(StandardCharsets.UTF_8)));
    PinCookieCodec rotating =
        new PinCookieCodec(
            List.of(
                "new".getBytes(StandardCharsets.UTF_8), "old".getBytes(StandardCharsets.UTF_8)));
    PinCookieCodec retired = new PinCookieCodec(List.of("new".getBytes(StandardCharsets.UTF_8)));
    String fromOld = old.encode(10, "blue", HOST);
    assertTrue(rotating.verify(fromOld, 0, fromOld.length(), HOST) >= 0);
    assertEquals(-1, retired.verify(fromOld, 0, fromOld.length(), HOST));
    String fromRotating = rotating.encode(10, "blue", HOST);
    assertTrue(retired.verify(fromRotating, 0, fromRotating.length(), HOST) >= 0);
  }

  @Test
  void aCookieMintedForOneHostDoesNotVerifyOnAnother() {
    String value = CODEC.encode(4711, "green", "a.example.com");
    assertTrue(CODEC.verify(value, 0, value.length(), "a.example.com") >= 0);
    for (String other : new String[] {"b.example.com", "example.com", "a.example.co", "", null}) {
      assertEquals(-1, CODEC.verify(value, 0, value.length(), other), "verified on " + other);
    }
  }

  @Test
  void theHostIsComparedNormalisedCaseFreeWithoutPortOrTrailingDot() {
    String value = CODEC.encode(4711, "green", "Shop.Example.COM:8443");
    for (String same :
        new String[] {
          "shop.example.com", "SHOP.EXAMPLE.COM", "shop.example.com.", "shop.example.com:80"
        }) {
      assertTrue(CODEC.verify(value, 0, value.length(), same) >= 0, same);
    }
    String v6 = CODEC.encode(1, "blue", "[::1]:8080");
    assertTrue(CODEC.verify(v6, 0, v6.length(), "[::1]") >= 0);
    assertEquals(-1, CODEC.verify(v6, 0, v6.length(), "[::2]"));
  }

  @Test
  void theHostCannotBeShiftedIntoTheVersionName() {
    // "2.1.a.b" signed for host "c" must not be "2.1.a" signed for host "b.c".
    String value = CODEC.encode(1, "a.b", "c");
    String shifted = "2.1.a." + value.substring(value.length() - 22);
    assertEquals(-1, CODEC.verify(shifted, 0, shifted.length(), "b.c"));
  }

  @Test
  void aFormatOneCookieIsNoLongerAccepted() throws Exception {
    // Format 1: MAC over "1.<bucket>.<version>" alone, the value the previous release minted.
    javax.crypto.Mac jdk = javax.crypto.Mac.getInstance("HmacSHA256");
    jdk.init(
        new javax.crypto.spec.SecretKeySpec(
            "key-one".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] mac = jdk.doFinal("1.4711.green".getBytes(StandardCharsets.US_ASCII));
    String old =
        "1.4711.green."
            + java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(java.util.Arrays.copyOf(mac, 16));
    assertEquals(-1, CODEC.verify(old, 0, old.length(), HOST));
  }

  @Test
  void verifyingAllocatesNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    String header = "a=b; turnout=" + CODEC.encode(4711, "green", HOST) + "; c=d";
    int start = header.indexOf("2.");
    int end = header.indexOf(';', start);
    long sink = 0;
    for (int i = 0; i < 20_000; i++) { // warm up: class loading, thread-local scratch, JIT
      sink += CODEC.verify(header, start, end, "Shop.Example.com:443");
    }
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      sink += CODEC.verify(header, start, end, "Shop.Example.com:443");
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    assertTrue(sink != 0);
    // One allocation per call would be >= 1.6 MB; the measurement itself costs a few hundred bytes.
    assertTrue(allocated < 100_000, allocated + " bytes allocated by 100,000 verifications");
  }
}
