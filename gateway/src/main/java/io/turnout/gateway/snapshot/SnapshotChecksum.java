package io.turnout.gateway.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The checksum of a whole routing state that travels with every delta, kept up to date one host at
 * a time so neither side ever hashes the whole snapshot on a change.
 *
 * <p>Definition: for each host, take the UTF-8 bytes of {@code SnapshotJson.toJson(hostSpec)} (the
 * canonical JSON the stream itself uses); its 64-bit hash is {@code CRC32C(bytes) << 32 |
 * CRC32(bytes)}. The checksum is the sum of the hosts' hashes modulo 2^64, written as 16 lower-case
 * hex digits. A sum does not depend on host order, and a change of one host updates it by {@code
 * new - old}. Example: an empty state is {@code 0000000000000000}.
 *
 * <p>Not thread-safe: owned by whoever owns the state it describes (the controller's stream thread,
 * a gateway's snapshot-apply thread).
 */
public final class SnapshotChecksum {
  private final Map<String, Long> byHost;
  private long sum;

  public SnapshotChecksum() {
    this.byHost = new HashMap<>();
  }

  private SnapshotChecksum(Map<String, Long> byHost, long sum) {
    this.byHost = byHost;
    this.sum = sum;
  }

  /** The checksum of every host of {@code s}. */
  public static SnapshotChecksum of(Snapshot s) {
    SnapshotChecksum c = new SnapshotChecksum();
    for (HostSpec h : s.hosts()) {
      c.put(h);
    }
    return c;
  }

  /** The 64-bit hash of one host (see the class comment). */
  public static long hostHash(HostSpec host) {
    byte[] bytes = SnapshotJson.toJson(host).getBytes(StandardCharsets.UTF_8);
    CRC32C c = new CRC32C();
    c.update(bytes);
    CRC32 d = new CRC32();
    d.update(bytes);
    return c.getValue() << 32 | d.getValue();
  }

  /** Adds or replaces {@code host}. */
  public void put(HostSpec host) {
    long h = hostHash(host);
    Long old = byHost.put(host.host(), h);
    sum += h - (old == null ? 0 : old);
  }

  /** Removes the host named {@code name}, if present. */
  public void remove(String name) {
    Long old = byHost.remove(name);
    if (old != null) {
      sum -= old;
    }
  }

  public SnapshotChecksum copy() {
    return new SnapshotChecksum(new HashMap<>(byHost), sum);
  }

  /** The checksum as 16 hex digits. */
  public String value() {
    return format(sum);
  }

  static String format(long sum) {
    String hex = Long.toHexString(sum);
    return "0".repeat(16 - hex.length()) + hex;
  }
}
