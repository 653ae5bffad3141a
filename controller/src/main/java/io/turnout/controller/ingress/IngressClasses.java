package io.turnout.controller.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which Ingresses are Turnout's: those of an {@code IngressClass} whose {@code spec.controller} is
 * {@code turnout.io/gateway-controller}, named by {@code spec.ingressClassName} or, on older
 * manifests, by the {@code kubernetes.io/ingress.class} annotation; an Ingress that names no class
 * is Turnout's when the cluster's default class (annotation {@code
 * ingressclass.kubernetes.io/is-default-class: "true"}) is one of Turnout's and no other
 * controller's class is marked default too.
 *
 * <p>Example: IngressClass {@code turnout} (controller {@code turnout.io/gateway-controller},
 * default) and IngressClass {@code nginx} (another controller): Ingresses of class {@code turnout}
 * and those naming no class are Turnout's; those of class {@code nginx} are not.
 *
 * <p>Immutable: one is built from the informer cache per pass.
 */
final class IngressClasses {
  /** The {@code spec.controller} of Turnout's IngressClasses (and the GatewayClasses' name). */
  static final String CONTROLLER = "turnout.io/gateway-controller";

  static final String DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class";
  static final String LEGACY_CLASS = "kubernetes.io/ingress.class";

  private final Set<String> ours;
  private final boolean defaultIsOurs;

  private IngressClasses(Set<String> ours, boolean defaultIsOurs) {
    this.ours = Set.copyOf(ours);
    this.defaultIsOurs = defaultIsOurs;
  }

  static IngressClasses of(Collection<IngressClass> classes) {
    Set<String> ours = new HashSet<>();
    boolean oursDefault = false;
    boolean othersDefault = false;
    for (IngressClass c : classes) {
      if (c.getMetadata() == null || c.getMetadata().getName() == null) {
        continue;
      }
      boolean mine = c.getSpec() != null && CONTROLLER.equals(c.getSpec().getController());
      Map<String, String> a = c.getMetadata().getAnnotations();
      boolean isDefault = a != null && "true".equals(a.get(DEFAULT_CLASS));
      if (mine) {
        ours.add(c.getMetadata().getName());
        oursDefault |= isDefault;
      } else {
        othersDefault |= isDefault;
      }
    }
    return new IngressClasses(ours, oursDefault && !othersDefault);
  }

  /** True when {@code ingress} is of one of Turnout's classes (or of none, with ours default). */
  boolean owns(Ingress ingress) {
    String name = classOf(ingress);
    return name == null ? defaultIsOurs : ours.contains(name);
  }

  /** The class an Ingress names, by field or legacy annotation, or null. */
  static String classOf(Ingress ingress) {
    if (ingress.getSpec() != null && ingress.getSpec().getIngressClassName() != null) {
      return ingress.getSpec().getIngressClassName();
    }
    Map<String, String> a = ingress.getMetadata().getAnnotations();
    return a == null ? null : a.get(LEGACY_CLASS);
  }
}
