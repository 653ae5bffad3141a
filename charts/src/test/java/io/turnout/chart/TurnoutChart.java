package io.turnout.chart;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart under test, and how the tests run Helm on it: helm-java, in-process and offline, with
 * Secret lookups answered by {@link FakeKubernetesApi}.
 */
final class TurnoutChart {
  /** charts/turnout, relative to the module directory surefire runs in. */
  static final Path DIR = Path.of("turnout").toAbsolutePath();

  static final String RELEASE = "turnout";
  static final String NAMESPACE = "edge";

  /** The chart needs 1.23+ (autoscaling/v2); offline Helm assumes 1.20 unless told. */
  static final String KUBE_VERSION = "v1.30.0";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private TurnoutChart() {}

  /** {@code helm lint --strict} of the chart with its default values. */
  static LintResult lintStrict() {
    return new Helm(DIR).lint().strict().call();
  }

  /** {@code helm template} with these values files (in order) and then these {@code --set}s. */
  static Rendered render(List<Path> valuesFiles, Map<String, ?> sets) {
    FakeKubernetesApi.start();
    TemplateCommand template =
        new Helm(DIR)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    for (Path file : valuesFiles) {
      template = template.withValuesFile(file);
    }
    for (Map.Entry<String, ?> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    Map<String, Object> values = mergedValues(valuesFiles);
    return Rendered.parse(template.call(), values);
  }

  static Rendered render(Path... valuesFiles) {
    return render(List.of(valuesFiles), Map.of());
  }

  static Rendered render(Map<String, ?> sets) {
    return render(List.of(), sets);
  }

  /** Every {@code ci/*-values.yaml}, the variants the chart is checked with. */
  static List<Path> ciValuesFiles() {
    try (Stream<Path> files = Files.list(DIR.resolve("ci"))) {
      return files
          .filter(f -> f.getFileName().toString().endsWith("-values.yaml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The chart's values.yaml overlaid with these files, as Helm merges them (maps deeply, anything
   * else replaced), so a test can say what a variant should render without repeating it.
   */
  static Map<String, Object> mergedValues(List<Path> valuesFiles) {
    Map<String, Object> merged = readYaml(DIR.resolve("values.yaml"));
    for (Path file : valuesFiles) {
      merged = merge(merged, readYaml(file));
    }
    return merged;
  }

  static Map<String, Object> readYaml(Path file) {
    try {
      Map<String, Object> map = YAML.readValue(file.toFile(), new TypeReference<>() {});
      return map == null ? new LinkedHashMap<>() : map;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> over) {
    Map<String, Object> result = new LinkedHashMap<>(base);
    over.forEach(
        (key, value) -> {
          Object old = result.get(key);
          if (old instanceof Map<?, ?> oldMap && value instanceof Map<?, ?> newMap) {
            result.put(key, merge((Map<String, Object>) oldMap, (Map<String, Object>) newMap));
          } else {
            result.put(key, value);
          }
        });
    return result;
  }

  /** Reads a dotted path ({@code gateway.autoscaling.minReplicas}) of a values map. */
  static Object value(Map<String, Object> values, String dottedPath) {
    Object current = values;
    for (String part : dottedPath.split("\\.")) {
      if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
        throw new IllegalArgumentException("no value at " + dottedPath);
      }
      current = map.get(part);
    }
    return current;
  }

  static List<String> stringList(Object value) {
    List<String> result = new ArrayList<>();
    if (value instanceof List<?> list) {
      list.forEach(item -> result.add(String.valueOf(item)));
    }
    return result;
  }
}
