package io.turnout.gateway.affinity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class NavigationDetectorTest {
  private static HttpHeaders headers(String... pairs) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      h.add(pairs[i], pairs[i + 1]);
    }
    return h;
  }

  @Test
  void topLevelDocumentNavigationIsANavigation() {
    assertTrue(
        NavigationDetector.isNavigation(
            HttpMethod.GET, headers("Sec-Fetch-Mode", "navigate", "Sec-Fetch-Dest", "document")));
  }

  @Test
  void iframesFetchesScriptsStylesAndImagesAreNot() {
    String[][] cases = {
      {"navigate", "iframe"},
      {"cors", "empty"},
      {"same-origin", "empty"},
      {"no-cors", "script"},
      {"no-cors", "style"},
      {"no-cors", "image"},
      {"navigate", "frame"}
    };
    for (String[] c : cases) {
      assertFalse(
          NavigationDetector.isNavigation(
              HttpMethod.GET,
              headers("Sec-Fetch-Mode", c[0], "Sec-Fetch-Dest", c[1], "Accept", "text/html")),
          c[0] + "/" + c[1]);
    }
  }

  @Test
  void withoutFetchMetadataAGetPreferringHtmlIsANavigation() {
    assertTrue(
        NavigationDetector.isNavigation(
            HttpMethod.GET, headers("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")));
    assertTrue(
        NavigationDetector.isNavigation(
            HttpMethod.GET, headers("Accept", "application/xhtml+xml")));
  }

  @Test
  void withoutFetchMetadataOtherRequestsAreNot() {
    assertFalse(NavigationDetector.isNavigation(HttpMethod.GET, headers("Accept", "*/*")));
    assertFalse(
        NavigationDetector.isNavigation(
            HttpMethod.GET, headers("Accept", "application/json, text/html")));
    assertFalse(
        NavigationDetector.isNavigation(HttpMethod.GET, headers("Accept", "text/html;q=0, */*")));
    assertFalse(NavigationDetector.isNavigation(HttpMethod.POST, headers("Accept", "text/html")));
    assertFalse(NavigationDetector.isNavigation(HttpMethod.GET, headers()));
    // Fetch metadata present but incomplete: trust it, do not fall back to Accept.
    assertFalse(
        NavigationDetector.isNavigation(
            HttpMethod.GET, headers("Sec-Fetch-Site", "same-origin", "Accept", "text/html")));
  }
}
