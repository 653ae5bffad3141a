package io.turnout.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Something wrk is pointed at: a proxy in front of blue and green, or the blue app itself (the
 * ceiling). Owns its process, its config file and how weights change at run time.
 *
 * <p>Used from the benchmark's main thread, except {@link #setWeights}, which the shift scenario
 * calls from its scheduler thread while wrk runs.
 */
abstract class Target {
  static final String HOST = "bench.example.com";

  final String name;
  final int port;
  final Path dir;
  Process process;

  Target(String name, int port, Path workDir) {
    this.name = name;
    this.port = port;
    this.dir = workDir.resolve(name);
  }

  /** The command that starts the target in the foreground. */
  abstract List<String> command();

  /** Writes the config for these weights (percent of new users on blue and green). */
  abstract void writeConfig(int blue, int green) throws IOException;

  /** Changes the weights of the running target. */
  abstract void setWeights(int blue, int green) throws IOException, InterruptedException;

  /** The config file, copied into the results for the record; null when there is none. */
  abstract Path configFile();

  /** How weights change at run time, for RESULTS.md. */
  abstract String weightChangeMethod();

  /** The process whose tree is measured (CPU, RSS). */
  long measuredPid() {
    return process.pid();
  }

  boolean supportsShift() {
    return true;
  }

  void start() throws IOException, InterruptedException {
    Files.createDirectories(dir);
    writeConfig(90, 10);
    process =
        new ProcessBuilder(command())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("process.log").toFile())
            .start();
    awaitReady();
  }

  /** Waits until a request through the target gets a 200. */
  void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited at start: " + Files.readString(dir.resolve("process.log")));
      }
      if (statusOf("/") == 200) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(name + " did not become ready on port " + port);
  }

  /** The status of one plain HTTP/1.1 GET with {@code Host: bench.example.com}, or -1. */
  int statusOf(String path) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(2000);
      String req = "GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n";
      s.getOutputStream().write(req.getBytes(StandardCharsets.US_ASCII));
      String head =
          new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII); // HTTP/1.1 200
      return head.length() == 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes {@code text} to {@code file} atomically (a reader never sees half a file). */
  static void writeAtomically(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Runs a short helper command (a reload) and fails loudly when it fails. */
  static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
