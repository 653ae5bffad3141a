package io.turnout.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The admin port closes connections that go quiet (after {@code limits.keepAliveTimeout}), whether
 * they never sent a request or sent one and kept the connection: a scraper or probe that leaks
 * connections cannot pile them up on the admin thread's port.
 */
class AdminIdleTimeoutTest {
  @Test
  void idleAdminConnectionsAreClosed() throws Exception {
    try (GatewayFixture gw =
            GatewayFixture.start("limits: { keepAliveTimeout: 500ms }\nhosts: []\n");
        Socket silent = new Socket("127.0.0.1", gw.adminPort());
        Socket keptAlive = new Socket("127.0.0.1", gw.adminPort())) {
      silent.setSoTimeout(15000);
      keptAlive.setSoTimeout(15000);
      keptAlive
          .getOutputStream()
          .write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readUntilEof(keptAlive.getInputStream());
      assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
      assertTrue(answer.endsWith("ok\n"), "one whole answer, then the idle close: " + answer);
      assertEquals("", readUntilEof(silent.getInputStream()));
    }
  }

  /** Everything until the server closes; a read timeout (15 s) fails the test. */
  private static String readUntilEof(InputStream in) throws Exception {
    StringBuilder got = new StringBuilder();
    byte[] buf = new byte[4096];
    int n;
    while ((n = in.read(buf)) > 0) {
      got.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
    }
    return got.toString();
  }
}
