package io.turnout.gateway.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the bearer token of the controller's snapshot stream from a file (a mounted Secret), for
 * the controller's {@code run --stream-token-file} and the gateway's {@code --stream-token-file}
 * alike. Surrounding whitespace (the newline an editor adds) is not part of the token. Read once at
 * start.
 */
public final class StreamTokenFile {
  private StreamTokenFile() {}

  /**
   * @param file the file, or null for no token
   * @param flag the option's name, for the message
   * @return the token, or null when {@code file} is null
   * @throws IllegalArgumentException naming the flag and the reason when the file cannot be read,
   *     is empty, or holds a token that cannot travel in a header
   */
  public static String read(Path file, String flag) {
    if (file == null) {
      return null;
    }
    String token;
    try {
      token = Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new IllegalArgumentException(flag + ": cannot read " + file + ": " + e.getMessage());
    }
    if (token.isEmpty()) {
      throw new IllegalArgumentException(flag + ": " + file + " is empty");
    }
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            flag + ": the token in " + file + " must be printable ASCII without spaces");
      }
    }
    return token;
  }
}
