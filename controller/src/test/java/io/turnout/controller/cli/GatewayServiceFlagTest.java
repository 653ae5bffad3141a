package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code turnout run --ingress --gateway-service}: a malformed Service key stops the start. */
class GatewayServiceFlagTest {
  @Test
  void aGatewayServiceThatIsNotNamespaceSlashNameRefusesToStartBeforeTouchingTheCluster() {
    CliRun r =
        CliRun.offline("run", "--listen", "0", "--ingress", "--gateway-service", "turnout-gateway");
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err().contains("--gateway-service must be NAMESPACE/NAME, was 'turnout-gateway'"),
        r.err());
  }
}
