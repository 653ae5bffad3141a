package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PinCookieCodecTest {
  private static final PinCookieCodec CODEC =
      new PinCookieCodec(List.of("key-one".getBytes(StandardCharsets.UTF_8)));

  @Test
  void encodedPinVerifiesToTheSameBucketAndVersion() {
    for (int bucket : new int[] {0, 7, 4711, 9999}) {
      String value = CODEC.encode(bucket, "green-2.1_a");
      long pin = CODEC.verify(value, 0, value.length());
      assertTrue(pin >= 0, value);
      assertEquals(bucket, PinCookieCodec.bucketOf(pin));
      String version =
          value.substring(PinCookieCodec.versionStartOf(pin), PinCookieCodec.versionEndOf(pin));
      assertEquals("green-2.1_a", version);
    }
  }

  @Test
  void verifyReadsARegionOfALongerHeader() {
    String value = CODEC.encode(1234, "blue");
    String header = "a=b; turnout=" + value + "; c=d";
    int start = header.indexOf(value);
    long pin = CODEC.verify(header, start, start + value.length());
    assertEquals(1234, PinCookieCodec.bucketOf(pin));
    assertEquals(
        "blue",
        header.substring(
            start + PinCookieCodec.versionStartOf(pin), start + PinCookieCodec.versionEndOf(pin)));
  }

  @Test
  void changingAnyCharacterIsRejected() {
    String value = CODEC.encode(4711, "green");
    String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_.";
    for (int i = 0; i < value.length(); i++) {
      for (char c : alphabet.toCharArray()) {
        if (c == value.charAt(i)) {
          continue;
        }
        String forged = value.substring(0, i) + c + value.substring(i + 1);
        assertEquals(-1, CODEC.verify(forged, 0, forged.length()), "accepted " + forged);
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
          "2.1.blue.x",
          "1..blue.AAAAAAAAAAAAAAAAAAAAAA",
          "1.1.é.AAAAAAAAAAAAAAAAAAAAAA"
        }) {
      assertEquals(-1, CODEC.verify(bad, 0, bad.length()), bad);
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
    String fromOld = old.encode(10, "blue");
    assertTrue(rotating.verify(fromOld, 0, fromOld.length()) >= 0);
    assertEquals(-1, retired.verify(fromOld, 0, fromOld.length()));
    String fromRotating = rotating.encode(10, "blue");
    assertTrue(retired.verify(fromRotating, 0, fromRotating.length()) >= 0);
  }
}
