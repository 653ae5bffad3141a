package io.turnout.controller.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of a Prometheus text exposition (what a gateway's admin {@code /metrics} answers), as
 * far as {@code turnout mirror status} needs them: metric name, labels, value. Comments and lines
 * that do not parse are skipped.
 */
final class PrometheusSamples {
  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {
    String label(String key) {
      return labels.getOrDefault(key, "");
    }
  }

  private PrometheusSamples() {}

  static List<Sample> parse(String text) {
    List<Sample> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Sample s = parseLine(line.trim());
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  /** {@code name{k="v",...} value [timestamp]}, or null. */
  static Sample parseLine(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String name;
    Map<String, String> labels = new LinkedHashMap<>();
    int rest;
    if (brace >= 0 && brace < space) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (i < line.length() && line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
          return null;
        }
        String key = line.substring(i, eq).trim();
        StringBuilder v = new StringBuilder();
        int j = eq + 2;
        while (j < line.length() && line.charAt(j) != '"') {
          char c = line.charAt(j);
          if (c == '\\' && j + 1 < line.length()) {
            char n = line.charAt(++j);
            v.append(n == 'n' ? '\n' : n);
          } else {
            v.append(c);
          }
          j++;
        }
        labels.put(key, v.toString());
        i = j + 1;
        if (i < line.length() && line.charAt(i) == ',') {
          i++;
        }
      }
      rest = i + 1;
    } else {
      name = line.substring(0, space);
      rest = space;
    }
    String[] fields = line.substring(Math.min(rest, line.length())).trim().split("\\s+");
    if (fields.length == 0 || fields[0].isEmpty()) {
      return null;
    }
    try {
      return new Sample(name, labels, parseValue(fields[0]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static double parseValue(String s) {
    return switch (s) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(s);
    };
  }
}
