package io.turnout.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {
  private final Map<String, String> saved = new HashMap<>();

  @BeforeEach
  void save() {
    NettyDefaults.PROPERTIES.keySet().forEach(k -> saved.put(k, System.getProperty(k)));
  }

  @AfterEach
  void restore() {
    saved.forEach(
        (k, v) -> {
          if (v == null) {
            System.clearProperty(k);
          } else {
            System.setProperty(k, v);
          }
        });
  }

  @Test
  void setsEachPropertyTheJvmWasNotStartedWith() {
    NettyDefaults.PROPERTIES.keySet().forEach(System::clearProperty);

    NettyDefaults.apply();

    assertEquals("false", System.getProperty("io.netty.allocator.lowMemory"));
    assertEquals("disabled", System.getProperty("io.netty.leakDetection.level"));
  }

  @Test
  void keepsWhatTheOperatorSet() {
    System.setProperty("io.netty.leakDetection.level", "paranoid");
    System.clearProperty("io.netty.allocator.lowMemory");

    NettyDefaults.apply();

    assertEquals("paranoid", System.getProperty("io.netty.leakDetection.level"));
    assertEquals("false", System.getProperty("io.netty.allocator.lowMemory"));
  }
}
