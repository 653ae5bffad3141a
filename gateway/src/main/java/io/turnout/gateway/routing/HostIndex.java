package io.turnout.gateway.routing;

import java.util.Locale;
import java.util.Map;

/**
 * An open-addressing hash table from lower-case names to values that looks keys up by a region of
 * any {@link CharSequence}, ignoring ASCII case, without allocating: the request path finds a host
 * among 10,000 straight from the {@code Host} header.
 *
 * <p>Immutable after construction.
 */
final class HostIndex<V> {
  private final String[] keys;
  private final Object[] values;
  private final int mask;

  HostIndex(Map<String, V> entries) {
    int capacity = Integer.highestOneBit(Math.max(4, entries.size() * 2 - 1)) << 1;
    keys = new String[capacity];
    values = new Object[capacity];
    mask = capacity - 1;
    for (Map.Entry<String, V> e : entries.entrySet()) {
      String key = e.getKey().toLowerCase(Locale.ROOT);
      int i = hash(key, 0, key.length()) & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = key;
      values[i] = e.getValue();
    }
  }

  /** The value for {@code s[start, end)} compared case-insensitively, or null. */
  @SuppressWarnings("unchecked")
  V get(CharSequence s, int start, int end) {
    int i = hash(s, start, end) & mask;
    String k;
    while ((k = keys[i]) != null) {
      if (equalsIgnoreCase(k, s, start, end)) {
        return (V) values[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  private static int hash(CharSequence s, int start, int end) {
    int h = 0;
    for (int i = start; i < end; i++) {
      h = 31 * h + lower(s.charAt(i));
    }
    return h ^ (h >>> 16);
  }

  private static boolean equalsIgnoreCase(String key, CharSequence s, int start, int end) {
    if (key.length() != end - start) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) != lower(s.charAt(start + i))) {
        return false;
      }
    }
    return true;
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }
}
