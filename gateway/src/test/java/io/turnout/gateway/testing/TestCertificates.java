package io.turnout.gateway.testing;

import java.io.IOException;
import java.nio.file.Path;

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
   * the given subject alternative names (e.g. {@code DNS:localhost,IP:127.0.0.1}).
   *
   * @return {certificate, key}
   */
  public static Path[] selfSigned(Path dir, String name, String cn, String sans)
      throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path cert = dir.resolve(name + ".crt");
    Process p =
        new ProcessBuilder(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
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
                "subjectAltName=" + sans)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("openssl failed: " + out);
    }
    return new Path[] {cert, key};
  }
}
