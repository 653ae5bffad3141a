package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.controller.FakeCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operator verbs against a mock API server. */
class CliTest {
  private FakeCluster cluster;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  @BeforeEach
  void start() {
    cluster = new FakeCluster();
    cluster.shopApp("90", "10");
    cluster.service(
        "shop",
        "shop-grey",
        Map.of("turnout.io/host", "shop.example.com", "turnout.io/version", "grey"));
    cluster.slice(
        "shop", "shop-blue", "http", 8080, List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), List.of());
    cluster.slice("shop", "shop-green", "http", 8080, List.of("10.0.1.1"), List.of());
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

  private String weightOf(String service) {
    return cluster
        .client()
        .services()
        .inNamespace("shop")
        .withName(service)
        .get()
        .getMetadata()
        .getAnnotations()
        .get("turnout.io/weight");
  }

  @Test
  void statusShowsWeightsReadyEndpointsAndShares() {
    cluster.service(
        "shop",
        "shop-broken",
        Map.of("turnout.io/host", "x.example.com", "turnout.io/weight", "abc"));
    assertEquals(0, run("status"));
    String[] lines = out.toString().split("\n");
    assertEquals("HOST              PATH  VERSION  WEIGHT  READY  SHARE", lines[0]);
    assertEquals("shop.example.com  /     blue     90      3      90.0%", lines[1]);
    assertEquals("shop.example.com  /     green    10      1      10.0%", lines[2]);
    assertEquals("shop.example.com  /     grey     0       0      0%", lines[3]);
    assertTrue(
        out.toString().contains("shop/shop-broken: turnout.io/weight 'abc' is not an integer"),
        out.toString());
  }

  @Test
  void weightPatchesTheAnnotationsOfTheNamedVersionsOnly() {
    assertEquals(0, run("weight", "shop.example.com", "green=25", "blue=75"));
    assertEquals("25", weightOf("shop-green"));
    assertEquals("75", weightOf("shop-blue"));
    assertEquals(null, weightOf("shop-grey"));
    assertTrue(out.toString().contains("shop/shop-green (green): weight 10 -> 25"), out.toString());
  }

  @Test
  void weightRefusesAnUnknownVersionAndChangesNothing() {
    assertEquals(2, run("weight", "shop.example.com", "green=25", "purple=5"));
    assertTrue(
        err.toString()
            .contains(
                "host shop.example.com has no version 'purple' (versions: blue, green, grey)"),
        err.toString());
    assertEquals("10", weightOf("shop-green"), "checked before the first write");
  }

  @Test
  void weightRefusesBadNumbers() {
    assertEquals(2, run("weight", "shop.example.com", "green=abc"));
    assertTrue(err.toString().contains("weight 'abc' for green is not an integer"), err.toString());
    assertEquals(2, run("weight", "shop.example.com", "green=-1"));
    assertEquals(2, run("weight", "shop.example.com", "green"));
    assertEquals(2, run("weight", "nowhere.example.com", "green=1"));
    assertEquals("10", weightOf("shop-green"));
  }

  @Test
  void switchGivesOneVersionEverythingAndTheOthersZero() {
    assertEquals(0, run("switch", "shop.example.com", "green"));
    assertEquals("100", weightOf("shop-green"));
    assertEquals("0", weightOf("shop-blue"));
    assertEquals("0", weightOf("shop-grey"));
  }

  @Test
  void switchRefusesAVersionWithoutReadyEndpointsUnlessForced() {
    assertEquals(2, run("switch", "shop.example.com", "grey"));
    assertTrue(err.toString().contains("has no ready endpoint"), err.toString());
    assertEquals("90", weightOf("shop-blue"));
    assertEquals(0, run("switch", "--force", "shop.example.com", "grey"));
    assertEquals("100", weightOf("shop-grey"));
  }

  @Test
  void everyVerbHasHelpAndAMissingVerbIsAUsageError() {
    for (String verb : List.of("run", "status", "weight", "switch")) {
      assertEquals(0, run(verb, "--help"), verb);
    }
    assertTrue(out.toString().contains("Usage: turnout weight"), out.toString());
    assertEquals(2, run());
    assertEquals(2, run("frobnicate"));
  }

  @Test
  void anUnreachableClusterIsReportedWithExitCode1() {
    cluster.close();
    int code = run("status");
    assertEquals(1, code);
    assertTrue(err.toString().startsWith("error: the Kubernetes API failed"), err.toString());
    cluster = new FakeCluster(); // for @AfterEach
  }
}
