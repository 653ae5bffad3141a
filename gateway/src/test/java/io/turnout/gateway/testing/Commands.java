package io.turnout.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command line tool (curl, h2load) from a test and captures what it printed. */
public final class Commands {
  private Commands() {}

  /**
   * What a command printed (stdout and stderr together), its exit code, and whether it was killed
   * for running past its timeout instead of exiting by itself.
   */
  public record Result(int exitCode, String output, boolean timedOut) {}

  /** Runs {@code command}; kills it after {@code timeoutSeconds}. */
  public static Result run(long timeoutSeconds, List<String> command)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[][] out = new byte[1][];
    Thread reader =
        new Thread(
            () -> {
              try {
                out[0] = p.getInputStream().readAllBytes();
              } catch (IOException e) {
                out[0] = new byte[0];
              }
            });
    reader.start();
    boolean timedOut = !p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (timedOut) {
      p.destroyForcibly();
      p.waitFor();
    }
    reader.join();
    return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8), timedOut);
  }

  /** True when {@code curl -V} lists HTTP2 among its features. */
  public static boolean curlHasHttp2() {
    try {
      Result r = run(10, List.of("curl", "-V"));
      return r.exitCode() == 0 && r.output().contains("HTTP2");
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** True when {@code command --version} runs. */
  public static boolean available(String command) {
    try {
      return run(10, List.of(command, "--version")).exitCode() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }
}
