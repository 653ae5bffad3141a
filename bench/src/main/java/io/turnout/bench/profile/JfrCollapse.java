package io.turnout.bench.profile;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Turns a JFR recording's execution samples into collapsed stacks ({@code root;...;leaf count}, one
 * line per distinct stack: the input of flamegraph.pl, speedscope and most flame graph viewers),
 * and prints the hottest leaf frames and the share of samples whose stack contains each given
 * substring. Needs only the JDK, so it also runs as a source file:
 *
 * <pre>
 * jcmd PID JFR.start name=p settings=profile filename=/tmp/t.jfr   # while load runs
 * jcmd PID JFR.stop name=p
 * java bench/src/main/java/io/turnout/bench/profile/JfrCollapse.java /tmp/t.jfr out.collapsed AccessLog logback
 * </pre>
 *
 * Java samples only ({@code jdk.ExecutionSample}): time in native socket calls shows as samples of
 * {@code jdk.NativeMethodSample}, which are counted separately.
 */
public final class JfrCollapse {
  private JfrCollapse() {}

  public static void main(String[] args) throws IOException {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    List<String> needles = List.of(args).subList(2, args.length);
    Map<String, Integer> stacks = new HashMap<>();
    Map<String, Integer> leaves = new HashMap<>();
    Map<String, Integer> containing = new HashMap<>();
    int samples = 0;
    int nativeSamples = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(in)) {
      String type = e.getEventType().getName();
      if (type.equals("jdk.NativeMethodSample")) {
        nativeSamples++;
        continue;
      }
      if (!type.equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
        continue;
      }
      samples++;
      RecordedStackTrace st = e.getStackTrace();
      List<RecordedFrame> frames = st.getFrames();
      StringBuilder sb = new StringBuilder();
      for (int i = frames.size() - 1; i >= 0; i--) {
        if (sb.length() > 0) {
          sb.append(';');
        }
        sb.append(name(frames.get(i)));
      }
      String stack = sb.toString();
      stacks.merge(stack, 1, Integer::sum);
      if (!frames.isEmpty()) {
        leaves.merge(name(frames.get(0)), 1, Integer::sum);
      }
      for (String n : needles) {
        if (stack.contains(n)) {
          containing.merge(n, 1, Integer::sum);
        }
      }
    }
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
      stacks.forEach((s, n) -> w.println(s + " " + n));
    }
    System.out.printf(
        "%d Java samples, %d native-method samples; %d distinct stacks in %s%n",
        samples, nativeSamples, stacks.size(), out);
    int total = Math.max(1, samples);
    System.out.println("hottest leaf frames (share of Java samples):");
    leaves.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(20)
        .forEach(
            x -> System.out.printf("  %5.1f%%  %s%n", 100.0 * x.getValue() / total, x.getKey()));
    for (String n : needles) {
      System.out.printf(
          "stacks containing '%s': %.1f%%%n", n, 100.0 * containing.getOrDefault(n, 0) / total);
    }
  }

  private static String name(RecordedFrame f) {
    return f.getMethod().getType().getName() + "." + f.getMethod().getName();
  }
}
