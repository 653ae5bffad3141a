package io.turnout.gateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.Main;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's class-data-sharing recipe (gateway/Dockerfile), run for real in two JVMs of their
 * own: a training JVM runs {@code demo --self-test} with {@code -XX:ArchiveClassesAtExit}, must
 * exit by itself (a thread left running would hang the image build) and leave an archive; a second
 * JVM started with {@code -Xshare:on} (fail rather than fall back) loads the gateway's classes from
 * it. The JVM archives classes from jars only, so the gateway's classes are jarred first, as the
 * shaded jar has them.
 */
class ClassArchiveTrainingTest {
  @TempDir Path dir;

  @Test
  void theSelfTestRunExitsAndLeavesAnArchiveTheNextJvmLoadsTheGatewayFrom() throws Exception {
    String classPath = jarClassPath();
    Path archive = dir.resolve("turnout.jsa");

    Process training =
        java(
            "-XX:ArchiveClassesAtExit=" + archive,
            "-cp",
            classPath,
            Main.class.getName(),
            "demo",
            "--self-test",
            "20",
            "--http",
            "0",
            "--admin",
            "0",
            "--config-out",
            dir.resolve("demo.yaml").toString());
    String trainingLog = finish(training, "training run");
    assertEquals(0, training.exitValue(), trainingLog);
    assertTrue(trainingLog.contains("self-test: 20 requests answered 200"), trainingLog);
    assertTrue(Files.size(archive) > 0, trainingLog);

    Process run =
        java(
            "-Xshare:on",
            "-XX:SharedArchiveFile=" + archive,
            "-Xlog:class+load=info",
            "-cp",
            classPath,
            Main.class.getName(),
            "--version");
    String runLog = finish(run, "run on the archive");
    assertEquals(0, run.exitValue(), runLog);
    assertTrue(
        runLog.contains(Main.class.getName() + " source: shared objects file (top)"),
        "the gateway's main class came from the dynamic archive:\n" + runLog);
  }

  /** The test JVM's class path with its class directories replaced by one jar of their content. */
  private String jarClassPath() throws IOException {
    Path jar = dir.resolve("turnout-gateway-classes.jar");
    List<String> entries = new ArrayList<>();
    List<Path> directories = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (Files.isDirectory(Path.of(entry))) {
        directories.add(Path.of(entry));
      } else {
        entries.add(entry);
      }
    }
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Path root : directories) {
        try (Stream<Path> files = Files.walk(root)) {
          for (Path f : files.filter(Files::isRegularFile).toList()) {
            out.putNextEntry(new JarEntry(root.relativize(f).toString().replace('\\', '/')));
            Files.copy(f, out);
            out.closeEntry();
          }
        }
      }
    }
    entries.add(0, jar.toString());
    return String.join(File.pathSeparator, entries);
  }

  private Process java(String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /**
   * Waits for {@code p} to exit on its own (generously: a shared machine) and returns its output.
   */
  private static String finish(Process p, String what) throws Exception {
    Path log = Files.createTempFile("turnout-cds", ".log");
    try (OutputStream out = Files.newOutputStream(log)) {
      Thread copier =
          new Thread(
              () -> {
                try {
                  p.getInputStream().transferTo(out);
                } catch (IOException e) {
                  // the process ended; what was read is in the file
                }
              });
      copier.start();
      boolean exited = p.waitFor(120, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly().waitFor();
      }
      copier.join();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertTrue(exited, what + " did not exit by itself:\n" + output);
      return output;
    } finally {
      Files.deleteIfExists(log);
    }
  }
}
