package io.turnout.gateway.routing;

import java.util.List;

/**
 * A route ready for the request path: its versions (including ones kept only to drain) and the
 * bucket mapping over the serving ones. Immutable.
 */
public final class CompiledRoute {
  private final String prefix;
  private final VersionTarget[] versions;
  private final BucketMapping mapping;
  private final VersionTarget[] mirrors;

  CompiledRoute(String prefix, List<VersionTarget> versions, BucketMapping mapping) {
    this.prefix = prefix;
    this.versions = versions.toArray(new VersionTarget[0]);
    this.mapping = mapping;
    this.mirrors =
        versions.stream()
            .filter(v -> v.inSnapshot() && v.mirrorPercent() > 0)
            .toArray(VersionTarget[]::new);
  }

  public String prefix() {
    return prefix;
  }

  public BucketMapping mapping() {
    return mapping;
  }

  public List<VersionTarget> versions() {
    return List.of(versions);
  }

  /**
   * The versions that receive a copy of a share of this route's requests ({@code mirror > 0});
   * usually empty. Never modify the array.
   */
  public VersionTarget[] mirrors() {
    return mirrors;
  }

  /** The version with this name, or null. */
  public VersionTarget version(String name) {
    for (VersionTarget v : versions) {
      if (v.name().equals(name)) {
        return v;
      }
    }
    return null;
  }

  /**
   * The version whose name equals {@code s[start, end)}, or null; allocation-free, for cookie
   * parsing on the request path.
   */
  public VersionTarget version(CharSequence s, int start, int end) {
    int len = end - start;
    for (VersionTarget v : versions) {
      String name = v.name();
      if (name.length() == len && regionEquals(name, s, start)) {
        return v;
      }
    }
    return null;
  }

  private static boolean regionEquals(String name, CharSequence s, int start) {
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) != s.charAt(start + i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@code path} falls under this route's prefix, on a segment boundary: {@code /api}
   * matches {@code /api}, {@code /api/x} and {@code /api?q}, not {@code /apix}.
   */
  boolean matches(String path) {
    if (prefix.equals("/")) {
      return true;
    }
    if (!path.startsWith(prefix)) {
      return false;
    }
    if (path.length() == prefix.length() || prefix.endsWith("/")) {
      return true;
    }
    char next = path.charAt(prefix.length());
    return next == '/' || next == '?' || next == '#';
  }
}
