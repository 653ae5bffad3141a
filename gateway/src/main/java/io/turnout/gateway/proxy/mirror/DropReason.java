package io.turnout.gateway.proxy.mirror;

import java.util.Locale;

/** Why a copy chosen for a mirror was not answered: the {@code reason} tag of the drop counter. */
public enum DropReason {
  /** {@code mirror.maxInFlight} copies were already outstanding. */
  LIMIT,
  /** The mirror version has no ready endpoint. */
  NO_ENDPOINT,
  /** The connection could not be opened (refused, unreachable, connect timeout). */
  CONNECT,
  /** No complete answer within {@code mirror.timeout}. */
  TIMEOUT,
  /** The connection closed or reset before the answer was complete. */
  RESET,
  /** The answer was not valid HTTP. */
  PROTOCOL;

  private final String tag = name().toLowerCase(Locale.ROOT);

  public String tagValue() {
    return tag;
  }
}
