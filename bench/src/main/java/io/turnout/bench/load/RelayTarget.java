package io.turnout.bench.load;

import io.turnout.bench.floor.NettyRelay;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NettyRelay} in front of blue alone: the floor of a proxy built on Netty and the JVM, with
 * the gateway's JVM flags. No split, no cookie, no weights: it takes no part in the shift scenario,
 * and its numbers are a bound, not a competitor's.
 */
final class RelayTarget extends UnweightedTarget {
  private final String mode;
  private final Path benchJar;
  private final List<String> javaOptions;
  private final int bluePort;

  RelayTarget(
      Path workDir, String mode, int port, Path benchJar, List<String> javaOptions, int bluePort) {
    super("relay-" + mode, port, workDir);
    this.mode = mode;
    this.benchJar = benchJar;
    this.javaOptions = List.copyOf(javaOptions);
    this.bluePort = bluePort;
  }

  @Override
  List<String> command() {
    List<String> cmd = new ArrayList<>(List.of("env", "MALLOC_ARENA_MAX=2", "java"));
    cmd.addAll(javaOptions);
    cmd.addAll(
        List.of(
            "-Dio.netty.allocator.lowMemory=false",
            "-Dio.netty.leakDetection.level=disabled",
            "-cp",
            benchJar.toString(),
            NettyRelay.class.getName(),
            mode,
            Integer.toString(port),
            Integer.toString(bluePort),
            "2"));
    return cmd;
  }
}
