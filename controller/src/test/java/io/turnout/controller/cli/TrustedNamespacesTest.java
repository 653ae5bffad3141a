package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code turnout run --trusted-namespaces}: read leniently, but a typo stops the controller. */
class TrustedNamespacesTest {
  @Test
  void commaSeparatedNamesAreTrimmedDeduplicatedAndBlanksSkipped() {
    assertEquals(
        List.of("edge", "platform"),
        TrustedNamespaces.parse(List.of(" edge", "platform", "", "edge")));
    assertEquals(List.of(), TrustedNamespaces.parse(List.of("")));
  }

  @Test
  void aNameThatIsNoNamespaceRefusesToStartBeforeTouchingTheCluster() {
    CliRun r = CliRun.offline("run", "--listen", "0", "--trusted-namespaces", "edge,Platform_Team");
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err()
            .contains(
                "--trusted-namespaces: 'Platform_Team' is not a namespace name (RFC 1123 label)"),
        r.err());
  }
}
