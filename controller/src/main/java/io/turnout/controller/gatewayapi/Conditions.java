package io.turnout.controller.gatewayapi;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.List;

/**
 * Builds status conditions the Kubernetes way: {@code lastTransitionTime} changes only when the
 * condition's status does, so a status rewritten with the same content is the same status.
 *
 * <p>Stateless.
 */
final class Conditions {
  private Conditions() {}

  /**
   * @param before the object's conditions as last seen (null when none), for the transition time
   * @param now the time to stamp a condition whose status changed (RFC 3339)
   */
  static Condition of(
      String type,
      boolean status,
      String reason,
      String message,
      Long generation,
      List<Condition> before,
      String now) {
    String s = status ? "True" : "False";
    String since = now;
    if (before != null) {
      for (Condition c : before) {
        if (type.equals(c.getType())
            && s.equals(c.getStatus())
            && c.getLastTransitionTime() != null) {
          since = c.getLastTransitionTime();
        }
      }
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(s)
        .withReason(reason)
        .withMessage(message == null ? "" : message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }
}
