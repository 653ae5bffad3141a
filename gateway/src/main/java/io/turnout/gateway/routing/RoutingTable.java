package io.turnout.gateway.routing;

import io.turnout.gateway.snapshot.Snapshot;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The compiled form of one snapshot, read by every request. Host match per docs/REFERENCE.md,
 * routing model: exact name, then the longest {@code *.suffix} wildcard, then the catch-all {@code
 * *}; names compare case-insensitively and the port is ignored.
 *
 * <p>Immutable; published by one volatile swap in {@link RoutingState}.
 */
public final class RoutingTable {
  private final Snapshot snapshot;
  private final HostIndex<CompiledHost> exact;
  private final HostIndex<CompiledHost> wildcards;
  private final CompiledHost catchAll;
  private final List<CompiledHost> hosts;
  private final Map<String, CompiledHost> byName;

  RoutingTable(
      Snapshot snapshot,
      Map<String, CompiledHost> exact,
      Map<String, CompiledHost> wildcardsBySuffix,
      CompiledHost catchAll,
      List<CompiledHost> hosts) {
    this.snapshot = snapshot;
    this.exact = new HostIndex<>(exact);
    this.wildcards = new HostIndex<>(wildcardsBySuffix);
    this.catchAll = catchAll;
    this.hosts = List.copyOf(hosts);
    this.byName = new HashMap<>();
    for (CompiledHost h : hosts) {
      byName.put(h.name().toLowerCase(Locale.ROOT), h);
    }
  }

  /** The same compiled hosts under {@code next} (a delta that changed endpoints in place). */
  RoutingTable withSnapshot(Snapshot next) {
    return new RoutingTable(next, this);
  }

  private RoutingTable(Snapshot snapshot, RoutingTable same) {
    this.snapshot = snapshot;
    this.exact = same.exact;
    this.wildcards = same.wildcards;
    this.catchAll = same.catchAll;
    this.hosts = same.hosts;
    this.byName = same.byName;
  }

  /** The host configured under exactly this name ({@code *.example.com}, {@code *}), or null. */
  CompiledHost hostNamed(String lowerCaseName) {
    return byName.get(lowerCaseName);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  public List<CompiledHost> hosts() {
    return hosts;
  }

  /**
   * The host for a {@code Host} header value ({@code Shop.Example.com:8080}, {@code [::1]:80}), or
   * null when none matches (404).
   */
  public CompiledHost host(String hostHeader) {
    if (hostHeader == null) {
      return catchAll;
    }
    int end = hostNameEnd(hostHeader);
    int start = 0; // an IPv6 literal is matched with its brackets, as configured
    if (end > start && hostHeader.charAt(end - 1) == '.') {
      end--; // "example.com." is "example.com"
    }
    CompiledHost h = exact.get(hostHeader, start, end);
    if (h != null) {
      return h;
    }
    // Longest wildcard first: for a.b.example.com try .b.example.com, then .example.com, ...
    for (int dot = indexOf(hostHeader, '.', start, end); dot >= 0; ) {
      h = wildcards.get(hostHeader, dot, end);
      if (h != null) {
        return h;
      }
      dot = indexOf(hostHeader, '.', dot + 1, end);
    }
    return catchAll;
  }

  private static int hostNameEnd(String host) {
    if (!host.isEmpty() && host.charAt(0) == '[') {
      int close = host.indexOf(']');
      return close < 0 ? host.length() : close + 1;
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host.length() : colon;
  }

  private static int indexOf(String s, char c, int from, int end) {
    for (int i = from; i < end; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }
}
