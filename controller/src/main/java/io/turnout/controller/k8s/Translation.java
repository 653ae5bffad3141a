package io.turnout.controller.k8s;

/** The outcome of translating one Service: it takes part, it is rejected, or it is not ours. */
public sealed interface Translation {
  /** The Service takes part with this route. */
  record Accepted(ServiceRoute route) implements Translation {}

  /** The Service has {@code turnout.io/host} but something about it is wrong. */
  record Rejected(Rejection rejection) implements Translation {}

  /** The Service has no {@code turnout.io/host}: Turnout ignores it. */
  record Ignored() implements Translation {}

  Ignored IGNORED = new Ignored();
}
