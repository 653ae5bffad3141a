package io.turnout.controller.k8s;

/**
 * Why a Service was left out of the snapshot.
 *
 * @param key {@code namespace/name} of the Service
 * @param kind a bounded category, used as a metric tag and as the Kubernetes Event's reason
 * @param message for people: names the annotation, its value and what is wrong with it
 */
public record Rejection(String key, Kind kind, String message) {
  /** Bounded set of rejection categories (metric tag values come only from here). */
  public enum Kind {
    HOST("InvalidHost"),
    VERSION("InvalidVersion"),
    WEIGHT("InvalidWeight"),
    PATH("InvalidPath"),
    PORT("InvalidPort"),
    MIRROR("InvalidMirror"),
    CONFLICT("ConflictingVersion"),
    /** A host that another namespace owns ({@link HostOwnership}). */
    HOST_OWNED("HostOwnedByAnotherNamespace"),
    /** {@code *} or a wildcard like {@code *.com} from a namespace that is not trusted. */
    UNTRUSTED_WILDCARD("UntrustedWildcard");

    private final String eventReason;

    Kind(String eventReason) {
      this.eventReason = eventReason;
    }

    /** The Kubernetes Event {@code reason} (CamelCase, as Kubernetes reasons are). */
    public String eventReason() {
      return eventReason;
    }

    /** The metric tag value ({@code host-owned}). */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
