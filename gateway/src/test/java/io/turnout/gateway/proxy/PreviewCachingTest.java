package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class PreviewCachingTest {
  private static String privateOf(String... cacheControl) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (String v : cacheControl) {
      h.add("Cache-Control", v);
    }
    PreviewCaching.makePrivate(h);
    return String.join(" | ", h.getAll("Cache-Control"));
  }

  @Test
  void noDirectiveBecomesPrivate() {
    assertEquals("private", privateOf());
  }

  @Test
  void sharedCacheDirectivesAreReplacedAndBrowserOnesKept() {
    assertEquals("max-age=600, private", privateOf("public, max-age=600"));
    assertEquals(
        "max-age=60, immutable, private", privateOf("max-age=60, S-MAXAGE=600, immutable"));
    assertEquals("no-cache, private", privateOf("public", "no-cache, proxy-revalidate"));
  }

  @Test
  void privateAndNoStoreAreLeftAsTheyAre() {
    assertEquals("private, max-age=60", privateOf("private, max-age=60"));
    assertEquals("no-store, public", privateOf("no-store, public"));
  }
}
