package io.turnout.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The images and the chart agree: no Docker engine runs the tests, so the Dockerfiles are read as
 * text and compared with what the chart renders for the same component.
 */
class DockerfileTest {
  private static final Rendered DEFAULTS = TurnoutChart.render(Map.of());

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "controller"})
  void imageRunsAsTheNonRootUserThePodDemands(String component) throws IOException {
    String dockerfile = dockerfile(component);
    Matcher user = Pattern.compile("(?m)^USER (\\d+):(\\d+)\\s*$").matcher(dockerfile);
    assertTrue(user.find(), "USER with a numeric UID:GID");

    var pod =
        DEFAULTS
            .one(Deployment.class, component)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getSecurityContext();
    assertEquals(pod.getRunAsUser(), Long.valueOf(user.group(1)));
    assertEquals(pod.getRunAsGroup(), Long.valueOf(user.group(2)));
    assertEquals(pod.getFsGroup(), Long.valueOf(user.group(2)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "controller"})
  void javaIsPidOneWithHeapSizedFromTheContainer(String component) throws IOException {
    String dockerfile = dockerfile(component);
    Matcher entrypoint = Pattern.compile("(?ms)^ENTRYPOINT \\[(.*?)\\]\\s*$").matcher(dockerfile);
    assertTrue(entrypoint.find(), "exec-form ENTRYPOINT, so SIGTERM reaches java");
    List<String> args =
        Pattern.compile("\"([^\"]*)\"")
            .matcher(entrypoint.group(1))
            .results()
            .map(m -> m.group(1))
            .toList();

    assertEquals("java", args.get(0));
    assertTrue(args.stream().anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")), args::toString);
    assertTrue(args.contains("-XX:+ExitOnOutOfMemoryError"), args::toString);
    String jar = "/app/turnout-" + component + ".jar";
    assertEquals(List.of("-jar", jar), args.subList(args.size() - 2, args.size()));
    assertTrue(
        dockerfile.contains("COPY " + component + "/target/turnout-" + component + ".jar " + jar));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "controller"})
  void imageExposesThePortsThePodDeclares(String component) throws IOException {
    Matcher expose = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile(component));
    assertTrue(expose.find());
    TreeSet<Integer> exposed = new TreeSet<>();
    for (String port : expose.group(1).trim().split("\\s+")) {
      exposed.add(Integer.valueOf(port));
    }
    Container container =
        component.equals("gateway") ? DEFAULTS.gatewayContainer() : DEFAULTS.controllerContainer();
    TreeSet<Integer> declared = new TreeSet<>();
    container.getPorts().stream().map(ContainerPort::getContainerPort).forEach(declared::add);

    assertEquals(declared, exposed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway", "controller"})
  void buildContextLetsInTheJarTheImageCopies(String component) throws IOException {
    List<String> ignore = Files.readAllLines(repositoryRoot().resolve(".dockerignore"));

    assertTrue(ignore.contains("*"), "everything else stays out of the context");
    assertTrue(ignore.contains("!" + component + "/target/turnout-" + component + ".jar"));
  }

  /** README's recommended flags: the image carries the JVM's, the chart the heap size. */
  @Test
  void gatewayRunsWithTheSmallMemoryFlagsAndTheChartFixesItsHeap() throws IOException {
    String dockerfile = dockerfile("gateway");
    for (String flag :
        List.of(
            "\"-XX:+UseSerialGC\"",
            "\"-Xss256k\"",
            "\"-XX:ReservedCodeCacheSize=32m\"",
            "\"-XX:MaxDirectMemorySize=128m\"",
            "\"-XX:TrimNativeHeapInterval=5000\"")) {
      assertTrue(dockerfile.contains(flag), flag);
    }
    assertTrue(dockerfile.contains("ENV MALLOC_ARENA_MAX=2"));

    List<EnvVar> env = DEFAULTS.gatewayContainer().getEnv();
    assertEquals(
        List.of(
            new EnvVar(
                "JAVA_TOOL_OPTIONS",
                "-Xms32m -Xmx128m -Xmn16m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20",
                null)),
        env,
        env::toString);
    Rendered withExtra =
        TurnoutChart.render(
            Map.of(
                "gateway.jvmOptions",
                "",
                "gateway.extraEnv[0].name",
                "A",
                "gateway.extraEnv[0].value",
                "b"));
    assertEquals(List.of(new EnvVar("A", "b", null)), withExtra.gatewayContainer().getEnv());
  }

  /**
   * The archive the ENTRYPOINT maps is the one the build's training run wrote, from the same jar
   * (an archive only serves the class path it was made from), and the run is the demo's self-test,
   * whose failure fails the build.
   */
  @Test
  void gatewayImageRunsOnTheClassArchiveItsBuildTrained() throws IOException {
    String dockerfile = dockerfile("gateway");
    Matcher training =
        Pattern.compile(
                "(?ms)^RUN java (.*?)-XX:ArchiveClassesAtExit=(\\S+)(.*?)-jar (\\S+) demo"
                    + " --self-test \\d+")
            .matcher(dockerfile);
    assertTrue(training.find(), "a RUN step trains the archive with demo --self-test");
    Matcher entrypoint = Pattern.compile("(?ms)^ENTRYPOINT \\[(.*?)\\]\\s*$").matcher(dockerfile);
    assertTrue(entrypoint.find());
    String args = entrypoint.group(1);

    assertTrue(
        args.contains("\"-XX:SharedArchiveFile=" + training.group(2) + "\""),
        "ENTRYPOINT maps " + training.group(2) + ": " + args);
    assertTrue(args.contains("\"-jar\", \"" + training.group(4) + "\""), args);
    for (String flag : List.of("-XX:+UseSerialGC", "-XX:ReservedCodeCacheSize=32m")) {
      assertTrue(training.group(1).contains(flag), "trained with the runtime's " + flag);
    }
  }

  private static String dockerfile(String component) throws IOException {
    return Files.readString(repositoryRoot().resolve(component).resolve("Dockerfile"));
  }

  private static Path repositoryRoot() {
    return TurnoutChart.DIR.getParent().getParent();
  }
}
