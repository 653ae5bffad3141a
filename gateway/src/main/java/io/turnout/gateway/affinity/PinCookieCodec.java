package io.turnout.gateway.affinity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and verifies the pin cookie's value: {@code 2.<bucket>.<version>.<mac>}, where mac is the
 * first 16 bytes of HMAC-SHA256(key, "2.<bucket>.<version>" NUL host) in unpadded base64url (22
 * characters), and host is the request's host as {@link CookieHost} normalises it. Example: {@code
 * 2.4711.green.q8mR0mVbq1f3b7iBzLJ3WQ}.
 *
 * <p>The host is signed but not carried: a cookie minted for {@code a.example.com} does not verify
 * on {@code b.example.com}, even under one wildcard route and one key, so a value copied from one
 * tenant's site cannot steer another's. The NUL cannot occur in the cookie part or in a host, so no
 * two (version, host) pairs sign the same bytes.
 *
 * <p>Format 1 ({@code 1.<bucket>.<version>.<mac>}, MAC without the host) is no longer accepted:
 * such a cookie verifies as nothing, and its client is treated as new (fresh bucket, new cookie).
 *
 * <p>Several keys may be configured so a fleet can rotate: the first signs, any verifies.
 * Verification allocates nothing: it reads the cookie in place, reuses per-thread {@link Hmac}
 * instances and scratch arrays, and compares in constant time.
 *
 * <p>Thread-safe: immutable; per-thread state lives in a {@link ThreadLocal}.
 */
public final class PinCookieCodec {
  private static final int MAC_BYTES = 16;
  private static final int MAC_CHARS = 22;
  private static final int MAX_SIGNED = 80;
  private static final char FORMAT = '2';
  private static final byte[] B64 =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);
  private static final byte[] B64_INV = new byte[128];

  static {
    java.util.Arrays.fill(B64_INV, (byte) -1);
    for (int i = 0; i < B64.length; i++) {
      B64_INV[B64[i]] = (byte) i;
    }
  }

  private final List<byte[]> keys;
  private final ThreadLocal<Scratch> scratch;

  /**
   * @param keys HMAC keys, the signing key first; at least one
   */
  public PinCookieCodec(List<byte[]> keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one cookie key is needed");
    }
    List<byte[]> copies = new ArrayList<>();
    for (byte[] k : keys) {
      copies.add(k.clone());
    }
    this.keys = List.copyOf(copies);
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(this.keys));
  }

  /**
   * The cookie value pinning {@code bucket} to {@code version} on {@code host} (the request's
   * {@code Host} header, or null), signed with the first key.
   */
  public String encode(int bucket, String version, CharSequence host) {
    byte[] out = new byte[valueLength(bucket, version)];
    write(bucket, version, host, out, 0);
    return new String(out, StandardCharsets.US_ASCII);
  }

  /** How many bytes {@link #write} writes for {@code bucket} and {@code version}. */
  public static int valueLength(int bucket, String version) {
    return signedLength(bucket, version) + 1 + MAC_CHARS;
  }

  /**
   * Writes what {@link #encode} returns, as ASCII bytes, into {@code out} from {@code at}, so a
   * {@code Set-Cookie} header can be built in one array; returns the index after the value. A
   * version character outside ASCII is written (and signed) as {@code '?'}, as {@link
   * String#getBytes} with US-ASCII would.
   *
   * @param bucket the client's bucket, {@code >= 0}
   */
  public int write(int bucket, String version, CharSequence host, byte[] out, int at) {
    if (bucket < 0) {
      throw new IllegalArgumentException("bucket: must be >= 0, was " + bucket);
    }
    int signedLen = signedLength(bucket, version);
    Scratch s = scratch.get();
    // The scratch array fits any value verify() accepts; a longer one is signed all the same.
    byte[] data = signedLen <= MAX_SIGNED ? s.signed : new byte[signedLen + 1 + CookieHost.MAX];
    data[0] = (byte) FORMAT;
    data[1] = '.';
    int p = signedLen - version.length() - 1;
    data[p] = '.';
    for (int v = bucket, d = p - 1; d >= 2; v /= 10, d--) {
      data[d] = (byte) ('0' + v % 10);
    }
    for (int k = 0; k < version.length(); k++) {
      char c = version.charAt(k);
      data[p + 1 + k] = c < 0x80 ? (byte) c : (byte) '?';
    }
    data[signedLen] = 0;
    int len = CookieHost.write(host, data, signedLen + 1);
    s.macs[0].mac(data, len, s.computed);
    System.arraycopy(data, 0, out, at, signedLen);
    int o = at + signedLen;
    out[o++] = '.';
    return writeBase64Url(s.computed, MAC_BYTES, out, o);
  }

  /** {@code "2.<bucket>.<version>"}: the part before the MAC. */
  private static int signedLength(int bucket, String version) {
    int digits = 1;
    for (int v = bucket; v >= 10; v /= 10) {
      digits++;
    }
    return 2 + digits + 1 + version.length();
  }

  /**
   * Verifies {@code value[start, end)} for a request to {@code host} (its {@code Host} header, or
   * null).
   *
   * @return the decoded pin, or {@code -1} when the value is malformed or its MAC matches no key. A
   *     valid pin is returned as {@code bucket << 32 | versionStart << 16 | versionEnd}, offsets
   *     from {@code start}, so the caller can look the version up without a substring.
   */
  public long verify(CharSequence value, int start, int end, CharSequence host) {
    int len = end - start;
    if (len < 6 + MAC_CHARS || len > MAX_SIGNED + 1 + MAC_CHARS) {
      return -1;
    }
    if (value.charAt(start) != FORMAT || value.charAt(start + 1) != '.') {
      return -1;
    }
    int i = start + 2;
    int bucket = 0;
    int digits = 0;
    while (i < end && value.charAt(i) != '.') {
      char c = value.charAt(i);
      if (c < '0' || c > '9' || ++digits > 4) {
        return -1;
      }
      bucket = bucket * 10 + (c - '0');
      i++;
    }
    if (digits == 0 || i >= end) {
      return -1;
    }
    int versionStart = i + 1;
    int macStart = end - MAC_CHARS;
    int versionEnd = macStart - 1;
    if (versionEnd <= versionStart || value.charAt(versionEnd) != '.') {
      return -1;
    }
    Scratch s = scratch.get();
    int signedLen = versionEnd - start;
    for (int k = 0; k < signedLen; k++) {
      char c = value.charAt(start + k);
      if (c > 126 || c < 33) {
        return -1;
      }
      s.signed[k] = (byte) c;
    }
    if (!decodeBase64Url(value, macStart, end, s.presented)) {
      return -1;
    }
    s.signed[signedLen] = 0;
    int dataLen = CookieHost.write(host, s.signed, signedLen + 1);
    for (Hmac mac : s.macs) {
      mac.mac(s.signed, dataLen, s.computed);
      if (constantTimeEquals(s.computed, s.presented, MAC_BYTES)) {
        return ((long) bucket << 32) | ((long) (versionStart - start) << 16) | (versionEnd - start);
      }
    }
    return -1;
  }

  public static int bucketOf(long pin) {
    return (int) (pin >>> 32);
  }

  public static int versionStartOf(long pin) {
    return (int) ((pin >>> 16) & 0xFFFF);
  }

  public static int versionEndOf(long pin) {
    return (int) (pin & 0xFFFF);
  }

  private static boolean constantTimeEquals(byte[] a, byte[] b, int n) {
    int diff = 0;
    for (int i = 0; i < n; i++) {
      diff |= a[i] ^ b[i];
    }
    return diff == 0;
  }

  /** Writes {@code in[0, n)} as unpadded base64url into {@code out} from {@code o}. */
  private static int writeBase64Url(byte[] in, int n, byte[] out, int o) {
    int i = 0;
    for (; i + 3 <= n; i += 3) {
      int v = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8 | (in[i + 2] & 0xFF);
      out[o++] = B64[v >>> 18];
      out[o++] = B64[(v >>> 12) & 63];
      out[o++] = B64[(v >>> 6) & 63];
      out[o++] = B64[v & 63];
    }
    if (n - i == 1) {
      int v = (in[i] & 0xFF) << 16;
      out[o++] = B64[v >>> 18];
      out[o++] = B64[(v >>> 12) & 63];
    } else if (n - i == 2) {
      int v = (in[i] & 0xFF) << 16 | (in[i + 1] & 0xFF) << 8;
      out[o++] = B64[v >>> 18];
      out[o++] = B64[(v >>> 12) & 63];
      out[o++] = B64[(v >>> 6) & 63];
    }
    return o;
  }

  /** Decodes 22 base64url chars into 16 bytes; false on any invalid char or stray bits. */
  private static boolean decodeBase64Url(CharSequence s, int start, int end, byte[] out) {
    int o = 0;
    int acc = 0;
    int bits = 0;
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      int v = c < 128 ? B64_INV[c] : -1;
      if (v < 0) {
        return false;
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        if (o == MAC_BYTES) {
          return false;
        }
        out[o++] = (byte) (acc >>> bits);
      }
    }
    // The 22nd char carries 4 padding bits, which a canonical encoding leaves zero.
    return o == MAC_BYTES && (acc & ((1 << bits) - 1)) == 0;
  }

  /** Constant-time comparison of two strings, for the preview token. */
  public static boolean secretEquals(CharSequence presented, String expected) {
    byte[] a = presented.toString().getBytes(StandardCharsets.UTF_8);
    byte[] b = expected.getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(a, b);
  }

  /** Per-thread MACs (one per key) and scratch buffers. */
  private static final class Scratch {
    final Hmac[] macs;
    final byte[] signed = new byte[MAX_SIGNED + 1 + CookieHost.MAX];
    final byte[] computed = new byte[32];
    final byte[] presented = new byte[MAC_BYTES];

    Scratch(List<byte[]> keys) {
      macs = new Hmac[keys.size()];
      for (int i = 0; i < macs.length; i++) {
        macs[i] = new Hmac(keys.get(i));
      }
    }
  }

  /**
   * HMAC-SHA256 (RFC 2104) on a {@link MessageDigest}, written into the caller's array. Not {@code
   * javax.crypto.Mac}: in JDK 17 its {@code doFinal(byte[], int)} still allocates a fresh 32-byte
   * array per call ({@code HmacCore.engineDoFinal}), which was the pinned request path's only
   * allocation (48 B/op in the JMH benchmark). Same digest, same cost: {@code H((K ^ opad) || H((K
   * ^ ipad) || m))}, four SHA-256 blocks for a cookie.
   *
   * <p>Confined to one thread (lives in {@link Scratch}).
   */
  static final class Hmac {
    private static final int BLOCK = 64;
    private final MessageDigest sha256;
    private final byte[] ipad = new byte[BLOCK];
    private final byte[] opad = new byte[BLOCK];
    private final byte[] inner = new byte[32];

    Hmac(byte[] key) {
      try {
        sha256 = MessageDigest.getInstance("SHA-256");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("SHA-256 unavailable", e);
      }
      byte[] k = key.length > BLOCK ? sha256.digest(key) : key;
      for (int i = 0; i < BLOCK; i++) {
        byte b = i < k.length ? k[i] : 0;
        ipad[i] = (byte) (b ^ 0x36);
        opad[i] = (byte) (b ^ 0x5c);
      }
    }

    /** Writes HMAC-SHA256(key, data[0, len)) into out[0, 32). */
    void mac(byte[] data, int len, byte[] out) {
      try {
        sha256.update(ipad, 0, BLOCK);
        sha256.update(data, 0, len);
        sha256.digest(inner, 0, inner.length);
        sha256.update(opad, 0, BLOCK);
        sha256.update(inner, 0, inner.length);
        sha256.digest(out, 0, 32);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e); // only for an output array too small
      }
    }
  }
}
