package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every value in values.yaml is documented with a helm-docs {@code # --} comment: on the key
 * itself, or on an enclosing key whose whole object is one value (a {@code resources:} block passed
 * through to Kubernetes). Grouping keys such as {@code gateway:} need none.
 */
class ValuesDocumentationTest {
  private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(.*)$");

  private record Key(int indent, String path, boolean documented) {}

  @Test
  void everyValueHasADashDashComment() throws IOException {
    List<String> lines = Files.readAllLines(TurnoutChart.DIR.resolve("values.yaml"));
    List<String> undocumented = new ArrayList<>();
    Deque<Key> parents = new ArrayDeque<>();
    boolean inDocComment = false;
    boolean pendingDoc = false;

    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (trimmed.startsWith("# --")) {
        inDocComment = true;
        pendingDoc = true;
        continue;
      }
      if (trimmed.startsWith("#")) {
        // Continuation of a "# --" comment keeps it pending; any other comment is not one.
        pendingDoc = inDocComment && pendingDoc;
        continue;
      }
      inDocComment = false;
      Matcher m = KEY.matcher(line);
      if (trimmed.isEmpty() || trimmed.startsWith("-") || !m.matches()) {
        continue;
      }
      int indent = m.group(1).length();
      while (!parents.isEmpty() && parents.peek().indent() >= indent) {
        parents.pop();
      }
      boolean documented = pendingDoc || parents.stream().anyMatch(Key::documented);
      pendingDoc = false;
      String path = (parents.isEmpty() ? "" : parents.peek().path() + ".") + m.group(2);
      boolean isGroup = m.group(3).isBlank() && !nextIsListItem(lines, i);
      if (!isGroup && !documented) {
        undocumented.add(path);
      }
      parents.push(new Key(indent, path, documented));
    }

    assertEquals(List.of(), undocumented, "values without a # -- comment");
  }

  private static boolean nextIsListItem(List<String> lines, int i) {
    for (int j = i + 1; j < lines.size(); j++) {
      String next = lines.get(j).strip();
      if (!next.isEmpty() && !next.startsWith("#")) {
        return next.startsWith("-");
      }
    }
    return false;
  }
}
