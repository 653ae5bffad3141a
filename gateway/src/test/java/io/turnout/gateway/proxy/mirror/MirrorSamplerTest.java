package io.turnout.gateway.proxy.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The golden-ratio sequence keeps the share of copies within a request or two of the percent. */
class MirrorSamplerTest {
  @Test
  void everyWindowHoldsThePercentageToWithinTwoRequests() {
    for (int percent : new int[] {1, 10, 30, 50, 99}) {
      MirrorSampler sampler = new MirrorSampler();
      int window = 200;
      int taken = 0;
      for (int i = 1; i <= 10_000; i++) {
        if (MirrorSampler.take(sampler.next(), percent)) {
          taken++;
        }
        if (i % window == 0) {
          assertTrue(
              Math.abs(taken - window * percent / 100) <= 2,
              percent + "%: " + taken + " of " + window + " up to request " + i);
          taken = 0;
        }
      }
    }
  }

  @Test
  void zeroTakesNothingAndHundredTakesEverything() {
    MirrorSampler sampler = new MirrorSampler();
    for (int i = 0; i < 1000; i++) {
      long n = sampler.next();
      assertEquals(false, MirrorSampler.take(n, 0));
      assertEquals(true, MirrorSampler.take(n, 100));
    }
  }

  @Test
  void theWorkedExampleOfTheClassComment() {
    StringBuilder taken = new StringBuilder();
    for (long n = 1; n <= 8; n++) {
      if (MirrorSampler.take(n, 50)) {
        taken.append(n).append(' ');
      }
    }
    assertEquals("2 4 5 7 ", taken.toString());
  }
}
