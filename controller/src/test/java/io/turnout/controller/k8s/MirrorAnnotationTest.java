package io.turnout.controller.k8s;

import static io.turnout.controller.k8s.TranslationTest.slice;
import static io.turnout.controller.k8s.TranslationTest.svc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.turnout.gateway.snapshot.VersionSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code turnout.io/mirror}: translated into {@code VersionSpec.mirror}, bad values rejected. */
class MirrorAnnotationTest {
  private static Translation translate(String name, Map<String, String> annotations) {
    return ServiceTranslator.translate(
        svc(name, annotations), List.of(slice(name, Map.of("http", 8080), "10.0.0.1")));
  }

  @Test
  void mirrorPercentageReachesTheSnapshotAndIsZeroWhenAbsent() {
    ServiceRoute blue =
        assertInstanceOf(
                Translation.Accepted.class,
                translate(
                    "shop-blue",
                    Map.of("turnout.io/host", "shop.example.com", "turnout.io/weight", "100")))
            .route();
    ServiceRoute green =
        assertInstanceOf(
                Translation.Accepted.class,
                translate(
                    "shop-green",
                    Map.of(
                        "turnout.io/host",
                        "shop.example.com",
                        "turnout.io/weight",
                        "0",
                        "turnout.io/mirror",
                        " 25 ")))
            .route();
    assertEquals(0, blue.mirror());
    assertEquals(25, green.mirror());
    List<VersionSpec> versions =
        SnapshotAssembler.assemble(List.of(blue, green)).hosts().get(0).routes().get(0).versions();
    assertEquals(0, versions.get(0).mirror());
    assertEquals("shop-green", versions.get(1).name());
    assertEquals(25, versions.get(1).mirror());
    assertEquals(0, versions.get(1).weight());
    assertEquals(0, green.asDeleted().mirror(), "a deleted Service is never mirrored to");
    assertEquals(25, green.withEndpoints(List.of()).mirror());
  }

  @Test
  void badMirrorValuesRejectTheServiceNamingTheAnnotation() {
    for (String bad : List.of("abc", "-1", "101", "12.5", "")) {
      Rejection r =
          assertInstanceOf(
                  Translation.Rejected.class,
                  translate(
                      "shop-green",
                      Map.of("turnout.io/host", "shop.example.com", "turnout.io/mirror", bad)))
              .rejection();
      assertEquals(Rejection.Kind.MIRROR, r.kind(), bad);
      assertEquals("InvalidMirror", r.kind().eventReason());
      assertEquals(true, r.message().startsWith("turnout.io/mirror "), r.message());
    }
  }
}
