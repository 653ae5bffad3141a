package io.turnout.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code /proc} says about a target's processes: a process tree (nginx is a master and
 * workers), its CPU ticks and its resident memory. Linux only.
 *
 * <p>CPU is {@code utime + stime + cutime + cstime} summed over the tree, so a worker that exits
 * between two readings (nginx reload) is still counted: its time moves into the master's {@code
 * cutime}. Stateless.
 */
final class Procs {
  /** Clock ticks per second of {@code /proc/PID/stat} times ({@code getconf CLK_TCK}). */
  static final double TICKS_PER_SECOND = 100.0;

  private Procs() {}

  /** {@code root} and all its live descendants. */
  static List<Long> tree(long root) {
    Map<Long, List<Long>> children = new HashMap<>();
    try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        String name = d.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        String[] f = statFields(Long.parseLong(name));
        if (f != null) {
          children
              .computeIfAbsent(Long.parseLong(f[1]), k -> new ArrayList<>())
              .add(Long.valueOf(name));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    List<Long> out = new ArrayList<>();
    List<Long> todo = new ArrayList<>(List.of(root));
    while (!todo.isEmpty()) {
      Long pid = todo.remove(todo.size() - 1);
      out.add(pid);
      todo.addAll(children.getOrDefault(pid, List.of()));
    }
    return out;
  }

  /** CPU ticks used by the tree so far (user + system, own and reaped children's). */
  static long cpuTicks(long root) {
    long sum = 0;
    for (long pid : tree(root)) {
      String[] f = statFields(pid);
      if (f != null) {
        sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        sum += Long.parseLong(f[13]) + Long.parseLong(f[14]);
      }
    }
    return sum;
  }

  /** Resets each process's peak RSS ({@code VmHWM}) to its current RSS. */
  static void resetPeakRss(long root) {
    for (long pid : tree(root)) {
      try {
        Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
      } catch (IOException e) {
        // Not permitted or gone: the peak then covers the process's life, which is still true.
      }
    }
  }

  /** Sum over the tree of a {@code /proc/PID/status} field in kB ({@code VmRSS}, {@code VmHWM}). */
  static long statusKb(long root, String field) {
    long sum = 0;
    for (long pid : tree(root)) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith(field + ":")) {
            sum += Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
          }
        }
      } catch (IOException e) {
        // exited meanwhile
      }
    }
    return sum;
  }

  /** Fields after the command name: index 0 is field 3 (state), 1 ppid, 11 utime, 12 stime. */
  private static String[] statFields(long pid) {
    try {
      String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
