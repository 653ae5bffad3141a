package io.turnout.bench.load;

import java.nio.file.Path;
import java.util.List;

/**
 * The ceiling: wrk straight to the blue app, no proxy. Its CPU and RSS columns are the app's own.
 */
final class DirectTarget extends UnweightedTarget {
  private final Process blue;

  DirectTarget(Path workDir, Process blue, int bluePort) {
    super("direct", bluePort, workDir);
    this.blue = blue;
  }

  @Override
  List<String> command() {
    return List.of();
  }

  @Override
  void start() throws java.io.IOException, InterruptedException {
    process = blue;
    awaitReady();
  }

  @Override
  void stop() {
    // The app belongs to the benchmark, which stops it last.
  }
}
