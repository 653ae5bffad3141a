package io.turnout.gateway;

import java.util.Map;

/**
 * Netty settings the gateway's process starts with, each applied only when the operator has not set
 * the system property. They must be set before the first Netty class loads, so {@link Main} applies
 * them first thing; tests that start the gateway in their own JVM keep Netty's defaults.
 *
 * <ul>
 *   <li>{@code io.netty.allocator.lowMemory=false}: Netty 4.2's adaptive allocator switches to a
 *       "low memory" mode whenever the maximum heap is 512 MiB or less, which the recommended
 *       flags' 128 MiB heap always is. That mode gives up the event loops' own buffer magazines
 *       (every allocation goes through shared, contended ones) and pools no read buffer over 256
 *       KiB. In it, a small GET took 1.28x the CPU and a 256 KiB response 1.24x (bench/ab.sh,
 *       recommended flags both sides), for about 3 MiB less peak RSS; the direct memory cap still
 *       bounds buffers.
 *   <li>{@code io.netty.leakDetection.level=disabled}: the default level records a stack trace for
 *       one buffer in 128, 1.5% of the gateway's CPU under load. Tests keep it on.
 * </ul>
 */
final class NettyDefaults {
  static final Map<String, String> PROPERTIES =
      Map.of(
          "io.netty.allocator.lowMemory", "false",
          "io.netty.leakDetection.level", "disabled");

  private NettyDefaults() {}

  /** Sets every property of {@link #PROPERTIES} the JVM was not started with. */
  static void apply() {
    PROPERTIES.forEach(
        (name, value) -> {
          if (System.getProperty(name) == null) {
            System.setProperty(name, value);
          }
        });
  }
}
