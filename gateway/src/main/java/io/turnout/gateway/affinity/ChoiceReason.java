package io.turnout.gateway.affinity;

/** Why a request went to the version it went to; written to the access log. */
public enum ChoiceReason {
  /** The client's pin held. */
  PIN,
  /** The client's pin held on a version that is draining. */
  DRAIN,
  /** A navigation moved the client to the version its bucket maps to now. */
  REPIN,
  /** No valid pin (or its version is gone): assigned by bucket. */
  NEW,
  /** The preview header chose the version. */
  PREVIEW,
  /** The chosen version answered an asset GET 404; this version has the file (skew guard). */
  FALLBACK;

  private final String logName = name().toLowerCase(java.util.Locale.ROOT);

  public String logName() {
    return logName;
  }

  /**
   * Whether the client arrived with a valid pin to the version that answered ({@link #PIN} or
   * {@link #DRAIN}); the dashboard's "pinned" share counts these.
   */
  public boolean keptPin() {
    return this == PIN || this == DRAIN;
  }
}
