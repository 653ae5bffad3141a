package io.turnout.bench.controller;

import io.turnout.controller.k8s.HostOwnership;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What deciding host ownership adds to every snapshot rebuild: {@link HostOwnership#decide} over
 * the claims of {@code services} Services (two per host, each host in its own namespace, as in
 * {@link ScaleBench}). Reports this thread's CPU time, which a loaded machine does not inflate the
 * way it inflates wall-clock time.
 *
 * <p>Args: {@code [services=5000]}.
 */
public final class OwnershipBench {
  private OwnershipBench() {}

  public static void main(String[] args) {
    int services = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    List<HostOwnership.Claim> claims = new ArrayList<>(services);
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    for (int i = 0; i < services; i++) {
      claims.add(
          new HostOwnership.Claim(
              "app" + (i / 2) + ".example.com",
              start.plusSeconds(i),
              new HostOwnership.ObjectRef("Service", "ns" + (i / 2), "svc" + i)));
    }
    HostOwnership ownership = HostOwnership.trusting(List.of("edge"));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    for (int i = 0; i < 300; i++) {
      ownership.decide(claims); // warm-up: let the JIT compile the sort and the maps
    }
    long[] cpu = new long[200];
    for (int i = 0; i < cpu.length; i++) {
      long c0 = mx.getCurrentThreadCpuTime();
      if (ownership.decide(claims).owners().size() != services / 2) {
        throw new AssertionError("every host has one owner");
      }
      cpu[i] = mx.getCurrentThreadCpuTime() - c0;
    }
    Arrays.sort(cpu);
    System.out.printf(
        "HostOwnership.decide over %d Services: CPU p50=%.2f ms p90=%.2f ms max=%.2f ms%n",
        services, cpu[100] / 1e6, cpu[180] / 1e6, cpu[cpu.length - 1] / 1e6);
  }
}
