package io.turnout.gateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code demo --self-test}: passes on the real demo, fails on a broken promise or status. */
class DemoSelfTestTest {
  @TempDir Path dir;

  @Test
  void theDemoPassesItsOwnSelfTestAndTheCommandReturns() {
    StringWriter out = new StringWriter();
    CommandLine demo = new CommandLine(new DemoCommand());
    demo.setOut(new PrintWriter(out));

    int code =
        demo.execute(
            "--http",
            "0",
            "--admin",
            "0",
            "--self-test",
            "40",
            "--config-out",
            dir.resolve("demo.yaml").toString());

    assertEquals(0, code, out.toString());
    assertTrue(
        out.toString().contains("self-test: 40 requests answered 200; 20 visits by version {"),
        out.toString());
  }

  @Test
  void anApiCallServedByAnotherVersionThanItsPageFails() throws Exception {
    String out = failingSelfTest(stub(200, "green"), 10);

    assertTrue(
        out.contains(
            "self-test: FAILED at visit 1 of 5: the page came from blue but its API call from"
                + " green"),
        out);
  }

  @Test
  void anApiCallThatIsNotAnsweredOkFails() throws Exception {
    String out = failingSelfTest(stub(503, "blue"), 2);

    assertTrue(out.contains("FAILED at visit 1 of 1: GET /api/version answered 503"), out);
  }

  /** Runs the self-test against {@code server}, asserts it failed, and returns what it printed. */
  private static String failingSelfTest(HttpServer server, int requests) throws Exception {
    try {
      StringWriter out = new StringWriter();
      int code =
          new DemoSelfTest(server.getAddress().getPort(), new PrintWriter(out)).run(requests);
      assertEquals(1, code, out.toString());
      return out.toString();
    } finally {
      server.stop(0);
    }
  }

  /**
   * A stand-in gateway: {@code /} is blue with a pin cookie, {@code /api/version} answers {@code
   * apiStatus} from {@code apiVersion}.
   */
  private static HttpServer stub(int apiStatus, String apiVersion) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          boolean page = exchange.getRequestURI().getPath().equals("/");
          exchange.getResponseHeaders().add("X-Served-By", page ? "blue" : apiVersion);
          if (page) {
            exchange.getResponseHeaders().add("Set-Cookie", "turnout=2.7.blue.x; Path=/");
          }
          exchange.sendResponseHeaders(page ? 200 : apiStatus, -1);
          exchange.close();
        });
    server.start();
    return server;
  }
}
