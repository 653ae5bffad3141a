package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.controller.FakeCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code turnout mirror HOST VERSION PERCENT} against a mock API server. */
class MirrorCommandTest {
  private FakeCluster cluster;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
    cluster.shopApp("100", "0");
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** Runs {@code turnout args...}; what it printed is added to {@link #out} and {@link #err}. */
  private int run(String... args) {
    CliRun r = cluster.turnout(args);
    out.append(r.out());
    err.append(r.err());
    return r.code();
  }

  private String mirrorOf(String service) {
    return cluster
        .client()
        .services()
        .inNamespace("shop")
        .withName(service)
        .get()
        .getMetadata()
        .getAnnotations()
        .get("turnout.io/mirror");
  }

  @Test
  void mirrorPatchesTheVersionsAnnotationAndZeroRemovesIt() {
    assertEquals(0, run("mirror", "shop.example.com", "green", "50"));
    assertEquals("50", mirrorOf("shop-green"));
    assertNull(mirrorOf("shop-blue"));
    assertTrue(
        out.toString().contains("shop/shop-green (green): mirror 0% -> 50%"), out.toString());

    assertEquals(0, run("mirror", "shop.example.com", "green", "50"));
    assertTrue(out.toString().contains("mirror stays 50%"), out.toString());

    assertEquals(0, run("mirror", "shop.example.com", "green", "0"));
    assertNull(mirrorOf("shop-green"));
  }

  @Test
  void mirrorRefusesBadPercentagesAndUnknownNamesAndChangesNothing() {
    assertEquals(2, run("mirror", "shop.example.com", "green", "101"));
    assertTrue(err.toString().contains("'101' is not an integer 0..100"), err.toString());
    assertEquals(2, run("mirror", "shop.example.com", "green", "half"));
    assertEquals(2, run("mirror", "shop.example.com", "purple", "10"));
    assertTrue(err.toString().contains("has no version 'purple'"), err.toString());
    assertEquals(2, run("mirror", "nowhere.example.com", "green", "10"));
    assertEquals(2, run("mirror", "shop.example.com", "green"));
    assertNull(mirrorOf("shop-green"));
    assertEquals(0, run("mirror", "--help"));
  }

  @Test
  void anUnreachableClusterIsExitCode1() {
    cluster.close();
    assertEquals(1, run("mirror", "shop.example.com", "green", "10"));
    cluster = new FakeCluster();
  }
}
