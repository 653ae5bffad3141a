package io.turnout.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the benchmark ran on, from {@code /proc} and the tools' own version output. Stateless. */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<String> cpuinfo = lines("/proc/cpuinfo");
    m.put("cpuModel", field(cpuinfo, "model name"));
    m.put("cpuMHz", field(cpuinfo, "cpu MHz"));
    m.put("cpuinfoProcessors", cpuinfo.stream().filter(l -> l.startsWith("processor")).count());
    m.put("nproc", output(List.of("nproc")));
    m.put("memTotal", field(lines("/proc/meminfo"), "MemTotal"));
    m.put("kernel", output(List.of("uname", "-srm")));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("nginx", output(List.of("nginx", "-v")));
    m.put("haproxy", firstLine(output(List.of("haproxy", "-v"))));
    m.put("wrk", firstLine(output(List.of("wrk", "-v"))));
    return m;
  }

  static String loadAverage() {
    List<String> l = lines("/proc/loadavg");
    return l.isEmpty() ? "?" : l.get(0);
  }

  private static List<String> lines(String file) {
    try {
      return Files.readAllLines(Path.of(file));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static String field(List<String> lines, String name) {
    for (String l : lines) {
      if (l.startsWith(name)) {
        return l.substring(l.indexOf(':') + 1).trim();
      }
    }
    return "?";
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String output(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "not installed";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }
}
