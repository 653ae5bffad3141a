package io.turnout.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The snapshot as the admin port shows it: every secret replaced by {@value #REDACTED}. A host's
 * {@code affinity:} block may carry the cookie keys ({@code secret}, {@code secrets}), and anyone
 * who can read the admin port must not learn how to forge pin cookies or preview dark versions.
 *
 * <p>Fields are matched by name anywhere in the tree, not by position, so a secret added to the
 * model later is hidden without touching this class: a name that is {@code secret}, {@code
 * secrets}, {@code token}, or ends in {@code secret}, {@code token} or {@code password} (any case).
 * A list keeps its length ({@code ["<redacted>", "<redacted>"]}): during a key rotation the
 * operator still sees how many keys are in force. {@code secretFile} is a path, not a key, and is
 * shown; the file's contents never enter the snapshot.
 *
 * <p>Stateless.
 */
final class SnapshotRedactor {
  static final String REDACTED = "<redacted>";

  private SnapshotRedactor() {}

  /** The snapshot's JSON with secrets redacted. */
  static String toJson(Snapshot snapshot) {
    JsonNode tree = SnapshotJson.json().valueToTree(snapshot);
    redact(tree);
    return SnapshotJson.toJson(tree);
  }

  static void redact(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> secretFields = new ArrayList<>();
      for (Map.Entry<String, JsonNode> field : object.properties()) {
        if (isSecretName(field.getKey())) {
          secretFields.add(field.getKey());
        } else {
          redact(field.getValue());
        }
      }
      for (String name : secretFields) {
        object.set(name, redacted(object.get(name)));
      }
    } else if (node instanceof ArrayNode array) {
      for (JsonNode element : array) {
        redact(element);
      }
    }
  }

  private static JsonNode redacted(JsonNode value) {
    if (value instanceof ArrayNode array) {
      ArrayNode out = array.arrayNode();
      for (int i = 0; i < array.size(); i++) {
        out.add(REDACTED);
      }
      return out;
    }
    return value == null || value.isNull() ? value : TextNode.valueOf(REDACTED);
  }

  static boolean isSecretName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.equals("secrets")
        || n.endsWith("secret")
        || n.endsWith("token")
        || n.endsWith("password");
  }
}
