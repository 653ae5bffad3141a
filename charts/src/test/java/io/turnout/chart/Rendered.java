package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The objects one {@code helm template} produced, parsed with the fabric8 model. */
final class Rendered {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final String COMPONENT = "app.kubernetes.io/component";

  private final List<HasMetadata> objects;
  private final Map<String, Object> values;

  private Rendered(List<HasMetadata> objects, Map<String, Object> values) {
    this.objects = List.copyOf(objects);
    this.values = values;
  }

  static Rendered parse(String manifest, Map<String, Object> values) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : manifest.split("(?m)^---\\s*$")) {
      // helm template starts each object with "# Source: <template>"; a template that renders
      // nothing leaves only that.
      if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
        continue;
      }
      objects.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
    }
    return new Rendered(objects, values);
  }

  List<HasMetadata> objects() {
    return objects;
  }

  /** The values this render used: values.yaml overlaid with the values files given. */
  Map<String, Object> values() {
    return values;
  }

  Object value(String dottedPath) {
    return TurnoutChart.value(values, dottedPath);
  }

  int intValue(String dottedPath) {
    return ((Number) value(dottedPath)).intValue();
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<HasMetadata> ofKind(String kind) {
    return objects.stream().filter(o -> kind.equals(o.getKind())).toList();
  }

  /** The objects of this type belonging to a component ({@code gateway}, {@code controller}). */
  <T extends HasMetadata> List<T> of(Class<T> type, String component) {
    String name = (String) value(component + ".name");
    return all(type).stream()
        .filter(o -> o.getMetadata().getLabels() != null)
        .filter(o -> name.equals(o.getMetadata().getLabels().get(COMPONENT)))
        .toList();
  }

  /** The one object of this type of a component; fails if there are none or several. */
  <T extends HasMetadata> T one(Class<T> type, String component) {
    List<T> found = of(type, component);
    assertEquals(
        1, found.size(), () -> "expected one " + type.getSimpleName() + " of " + component);
    return found.get(0);
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> name.equals(o.getMetadata().getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
  }

  Deployment gatewayDeployment() {
    return one(Deployment.class, "gateway");
  }

  Container gatewayContainer() {
    return container(gatewayDeployment(), "gateway");
  }

  Deployment controllerDeployment() {
    return one(Deployment.class, "controller");
  }

  Container controllerContainer() {
    return container(controllerDeployment(), "controller");
  }

  ConfigMap gatewayConfigMap() {
    return one(ConfigMap.class, "gateway");
  }

  /** The gateway's Services: client traffic and admin. */
  List<Service> gatewayServices() {
    return of(Service.class, "gateway");
  }

  static Container container(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> Objects.equals(c.getName(), name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container " + name));
  }
}
