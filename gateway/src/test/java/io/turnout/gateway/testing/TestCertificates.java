package io.turnout.gateway.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Self-signed certificates made with the openssl command line tool, for TLS tests. */
public final class TestCertificates {
  private TestCertificates() {}

  /** True when the openssl command runs here. */
  public static boolean opensslAvailable() {
    try {
      return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /**
   * Writes {@code name.crt} and {@code name.key} in {@code dir}: a certificate for {@code cn} with
   * the given subject alternative names (e.g. {@code DNS:localhost,IP:127.0.0.1}), on an EC P-256
   * key.
   *
   * @return {certificate, key}
   */
  public static Path[] selfSigned(Path dir, String name, String cn, String sans)
      throws IOException, InterruptedException {
    return make(dir, name, cn, sans, List.of("ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
  }

  /** As {@link #selfSigned}, on an RSA 2048 key. */
  public static Path[] selfSignedRsa(Path dir, String name, String cn, String sans)
      throws IOException, InterruptedException {
    return make(dir, name, cn, sans, List.of("rsa:2048"));
  }

  private static Path[] make(Path dir, String name, String cn, String sans, List<String> newKey)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path cert = dir.resolve(name + ".crt");
    List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-newkey"));
    cmd.addAll(newKey);
    cmd.addAll(
        List.of(
            "-nodes",
            "-days",
            "2",
            "-keyout",
            key.toString(),
            "-out",
            cert.toString(),
            "-subj",
            "/CN=" + cn,
            "-addext",
            "subjectAltName=" + sans));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("openssl failed: " + out);
    }
    return new Path[] {cert, key};
  }
}
