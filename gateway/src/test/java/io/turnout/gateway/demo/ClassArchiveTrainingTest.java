package io.turnout.gateway.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.turnout.gateway.Main;
import io.turnout.gateway.testing.Commands;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    Commands.Result training =
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
    String trainingLog = training.output();
    assertFalse(training.timedOut(), "the training run did not exit by itself:\n" + trainingLog);
    assertEquals(0, training.exitCode(), trainingLog);
    assertTrue(trainingLog.contains("self-test: 20 requests answered 200"), trainingLog);
    assertTrue(Files.size(archive) > 0, trainingLog);

    Commands.Result run =
        java(
            "-Xshare:on",
            "-XX:SharedArchiveFile=" + archive,
            "-Xlog:class+load=info",
            "-cp",
            classPath,
            Main.class.getName(),
            "--version");
    String runLog = run.output();
    assertFalse(run.timedOut(), "the run on the archive did not exit by itself:\n" + runLog);
    assertEquals(0, run.exitCode(), runLog);
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

  /** Runs a JVM of the test's own Java with {@code args}; waits generously (a shared machine). */
  private static Commands.Result java(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of(args));
    return Commands.run(120, cmd);
  }
}
