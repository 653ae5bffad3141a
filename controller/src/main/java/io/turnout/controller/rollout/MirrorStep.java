package io.turnout.controller.rollout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The checks of a rollout's optional mirror step ({@code mirror}, {@code mirrorInterval}). */
final class MirrorStep {
  private MirrorStep() {}

  static List<String> problems(int mirror, Duration mirrorInterval) {
    List<String> out = new ArrayList<>();
    if (mirror < 0 || mirror > 100) {
      out.add("mirror: must be 0..100 (percent), was " + mirror);
    } else if (mirror > 0 && (mirrorInterval == null || mirrorInterval.toMillis() < 100)) {
      out.add("mirrorInterval: must be at least 100ms with a mirror step");
    }
    return out;
  }
}
