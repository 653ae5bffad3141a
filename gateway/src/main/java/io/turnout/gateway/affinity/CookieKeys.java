package io.turnout.gateway.affinity;

import io.turnout.gateway.config.AffinitySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the cookie HMAC keys from settings ({@code secrets}, else {@code secret}, else the lines
 * of {@code secretFile}) and hands out one {@link PinCookieCodec} per distinct key list, so a
 * snapshot swap does not rebuild per-thread MACs.
 *
 * <p>With no key configured, the process makes a random one and says so: pins then do not carry
 * across gateway replicas or restarts, which only suits a single demo process.
 *
 * <p>Thread-safe.
 */
public final class CookieKeys {
  private static final Logger log = LoggerFactory.getLogger(CookieKeys.class);
  private static final byte[] PROCESS_KEY = randomKey();
  private static final ConcurrentHashMap<List<String>, PinCookieCodec> CODECS =
      new ConcurrentHashMap<>();
  private static volatile boolean warned;

  private CookieKeys() {}

  /** The codec for the keys these settings name; reads {@code secretFile} now. */
  public static PinCookieCodec codecFor(AffinitySettings s) {
    List<String> keys = keyTexts(s);
    if (keys.isEmpty()) {
      if (!warned) {
        warned = true;
        log.warn(
            "no affinity.secret configured: using a random per-process cookie key; pins will not"
                + " survive a restart or move between gateway replicas");
      }
      return CODECS.computeIfAbsent(List.of(), k -> new PinCookieCodec(List.of(PROCESS_KEY)));
    }
    if (CODECS.size() > 64) {
      CODECS.clear(); // rotation churn: keep the cache bounded
    }
    return CODECS.computeIfAbsent(
        keys,
        k -> {
          List<byte[]> bytes = new ArrayList<>();
          for (String t : k) {
            bytes.add(t.getBytes(StandardCharsets.UTF_8));
          }
          return new PinCookieCodec(bytes);
        });
  }

  static List<String> keyTexts(AffinitySettings s) {
    if (s.secrets() != null && !s.secrets().isEmpty()) {
      return s.secrets();
    }
    if (s.secret() != null) {
      return List.of(s.secret());
    }
    if (s.secretFile() != null) {
      try {
        List<String> keys = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(s.secretFile()), StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            keys.add(line.strip());
          }
        }
        if (keys.isEmpty()) {
          throw new IllegalArgumentException(
              "affinity.secretFile: " + s.secretFile() + " is empty");
        }
        return keys;
      } catch (IOException e) {
        throw new UncheckedIOException("affinity.secretFile: cannot read " + s.secretFile(), e);
      }
    }
    return List.of();
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    return k;
  }
}
