package io.turnout.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.testing.GatewayFixture;
import io.turnout.gateway.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SnapshotRedactionTest {
  @Test
  void theAdminSnapshotShowsNoCookieKeyGlobalOrPerHost() throws Exception {
    Path keyFile = Files.createTempFile("cookie-key", ".txt");
    Files.writeString(keyFile, "file-key-contents\n");
    try (TestUpstream app = TestUpstream.start("app");
        GatewayFixture gw =
            GatewayFixture.start(
                """
                affinity: { secret: global-key }
                preview: { token: qa-token }
                hosts:
                  - host: shop.example.com
                    affinity: { secret: shop-key, secrets: [shop-new, shop-old] }
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                  - host: blog.example.com
                    affinity: { secretFile: "%s" }
                    routes: [{path: /, versions: [{name: v1, weight: 1, endpoints: ["%s"]}]}]
                """
                    .formatted(app.endpoint(), keyFile, app.endpoint()))) {
      String json = gw.admin("/snapshot");
      for (String secret :
          new String[] {
            "global-key", "qa-token", "shop-key", "shop-new", "shop-old", "file-key-contents"
          }) {
        assertFalse(json.contains(secret), secret + " leaked: " + json);
      }
      JsonNode shop = SnapshotJson.json().readTree(json).path("hosts").path(0).path("affinity");
      assertEquals("<redacted>", shop.path("secret").asText(), json);
      assertEquals(2, shop.path("secrets").size(), "the key count stays visible: " + json);
      assertTrue(json.contains(keyFile.toString()), "a key file's path is not a secret: " + json);
      // The routes are all still there.
      assertTrue(json.contains("\"weight\":1"), json);
    } finally {
      Files.deleteIfExists(keyFile);
    }
  }

  @Test
  void secretsAreFoundByNameAnywhereInTheTree() throws Exception {
    JsonNode tree =
        SnapshotJson.json()
            .readTree(
                """
                {"a": {"token": "t1", "tokenHeader": "X-T", "b": [{"previewToken": "t2"}]},
                 "dbPassword": "p", "secretFile": "/k", "secrets": ["k1"], "absent": null}
                """);
    SnapshotRedactor.redact(tree);
    String out = tree.toString();
    assertFalse(out.contains("t1") || out.contains("t2") || out.contains("\"p\""), out);
    assertTrue(out.contains("\"tokenHeader\":\"X-T\""), out);
    assertTrue(out.contains("\"secretFile\":\"/k\""), out);
    assertTrue(out.contains("\"secrets\":[\"<redacted>\"]"), out);
  }
}
