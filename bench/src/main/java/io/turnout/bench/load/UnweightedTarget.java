package io.turnout.bench.load;

import java.nio.file.Path;

/**
 * A target with no blue/green split to change: the app itself, or a relay to blue. It has no config
 * file, takes no part in the shift scenario, and refuses weight changes.
 */
abstract class UnweightedTarget extends Target {
  UnweightedTarget(String name, int port, Path workDir) {
    super(name, port, workDir);
  }

  @Override
  final void writeConfig(int blue, int green) {}

  @Override
  final void setWeights(int blue, int green) {
    throw new UnsupportedOperationException(name + " has no weights");
  }

  @Override
  final boolean supportsShift() {
    return false;
  }

  @Override
  final Path configFile() {
    return null;
  }

  @Override
  final String weightChangeMethod() {
    return "-";
  }
}
