package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pin cookie's MAC covers the host: under one wildcard route and one key, a cookie minted for
 * one tenant's host is a stranger's on another, and the client there is treated as new.
 */
class PinCookieHostBindingTest {
  static TestUpstream blue;
  static GatewayFixture gateway;

  @BeforeAll
  static void start() throws Exception {
    blue = TestUpstream.start("blue");
    gateway =
        GatewayFixture.start(
            """
            affinity: { secret: shared-key, maxAge: 0s }
            hosts:
              - host: "*.example.com"
                routes: [{path: /, versions: [{name: blue, weight: 1, endpoints: ["%s"]}]}]
            """
                .formatted(blue.endpoint()));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    blue.close();
  }

  /**
   * A fetch() sub-request with {@code cookie}: Set-Cookie comes back only when it was not valid.
   */
  private static Optional<String> setCookieFor(String host, String cookie) throws Exception {
    HttpResponse<String> res =
        gateway
            .client()
            .send(
                gateway
                    .request(host, "/api")
                    .header("Cookie", "turnout=" + cookie)
                    .header("Sec-Fetch-Mode", "cors")
                    .header("Sec-Fetch-Dest", "empty")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(200, res.statusCode(), res.body());
    return res.headers().firstValue("set-cookie");
  }

  private static String mint(String host) throws Exception {
    String setCookie = gateway.get(host, "/").headers().firstValue("set-cookie").orElseThrow();
    assertTrue(setCookie.startsWith("turnout=2."), setCookie);
    assertTrue(!setCookie.contains("Max-Age"), "maxAge 0s is a session cookie: " + setCookie);
    return setCookie.substring("turnout=".length(), setCookie.indexOf(';'));
  }

  @Test
  void aCookieIsValidOnTheHostItWasMintedForWhateverTheCaseOrPort() throws Exception {
    String cookie = mint("a.example.com");
    assertEquals(Optional.empty(), setCookieFor("a.example.com", cookie));
    assertEquals(Optional.empty(), setCookieFor("A.Example.COM:8080", cookie));
  }

  @Test
  void aCookieMintedForOneHostMakesANewClientOnAnother() throws Exception {
    String cookie = mint("a.example.com");
    String fresh = setCookieFor("b.example.com", cookie).orElseThrow();
    assertTrue(fresh.startsWith("turnout=2."), fresh);
  }

  @Test
  void aFormatOneCookieMakesANewClient() throws Exception {
    String cookie = mint("a.example.com");
    String formatOne = "1" + cookie.substring(1); // what the previous release minted, roughly
    assertTrue(setCookieFor("a.example.com", formatOne).isPresent());
  }
}
