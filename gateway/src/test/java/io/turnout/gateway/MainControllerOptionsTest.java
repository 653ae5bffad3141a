package io.turnout.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The --controller options fail fast on bad input, before anything listens. */
class MainControllerOptionsTest {
  private static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Test
  void aSnapshotCacheWithoutAControllerIsAUsageError() {
    assertEquals(2, run("--snapshot-cache", "/tmp/x.json"));
  }

  @Test
  void aControllerUrlThatIsNotHttpIsRefused() {
    assertEquals(2, run("--controller", "ftp://controller:8090"));
    assertEquals(2, run("--controller", "controller:8090"));
  }
}
