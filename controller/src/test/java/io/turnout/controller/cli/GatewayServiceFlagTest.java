package io.turnout.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code turnout run --ingress --gateway-service}: a malformed Service key stops the start. */
class GatewayServiceFlagTest {
  @Test
  void aGatewayServiceThatIsNotNamespaceSlashNameRefusesToStartBeforeTouchingTheCluster() {
    StringWriter err = new StringWriter();
    int code =
        Cli.commandLine(
                () -> {
                  throw new AssertionError("must not connect");
                },
                new PrintWriter(new StringWriter(), true),
                new PrintWriter(err, true))
            .execute("run", "--listen", "0", "--ingress", "--gateway-service", "turnout-gateway");
    assertEquals(2, code, err.toString());
    assertTrue(
        err.toString().contains("--gateway-service must be NAMESPACE/NAME, was 'turnout-gateway'"),
        err.toString());
  }
}
