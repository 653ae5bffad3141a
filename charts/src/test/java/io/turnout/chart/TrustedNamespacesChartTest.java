package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code controller.trustedNamespaces} becomes the controller's {@code --trusted-namespaces}: none
 * by default, so no namespace may claim {@code *} or {@code *.com} unless the operator says so.
 */
class TrustedNamespacesChartTest {
  @Test
  void byDefaultNoNamespaceIsTrusted() {
    List<String> args = TurnoutChart.render(Map.of()).controllerContainer().getArgs();

    assertFalse(args.contains("--trusted-namespaces"), args.toString());
  }

  @Test
  void listedNamespacesArePassedAsOneCommaSeparatedFlag() {
    List<String> args =
        TurnoutChart.render(
                Map.of(
                    "controller.trustedNamespaces[0]", "edge",
                    "controller.trustedNamespaces[1]", "platform",
                    "controller.trustedNamespaces[2]", "edge"))
            .controllerContainer()
            .getArgs();

    int i = args.indexOf("--trusted-namespaces");
    assertTrue(i >= 0 && i + 1 < args.size(), args.toString());
    assertEquals("edge,platform", args.get(i + 1));
    assertEquals(i, args.lastIndexOf("--trusted-namespaces"), "given once");
  }

  @Test
  void aNameThatIsNoNamespaceIsRejectedAtInstall() {
    Exception e =
        assertThrows(
            Exception.class,
            () -> TurnoutChart.render(Map.of("controller.trustedNamespaces[0]", "Edge_NS")));

    assertTrue(e.getMessage().contains("/controller/trustedNamespaces/0"), e.getMessage());
  }
}
