package io.turnout.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one place that decides how every microbenchmark runs (JMH's annotations are inherited):
 * average time per operation in nanoseconds, 3 warm-up and 5 measured iterations of 1 s, one fork,
 * a fixed 256 MiB heap with the parallel collector (time and allocation per operation; the
 * gateway's memory under its recommended flags is bench/memory.sh's). Change them here, never on a
 * benchmark.
 *
 * <p>Run: {@code java -jar bench/target/turnout-bench.jar -prof gc} (run.sh does, and keeps the
 * JSON result for RESULTS.md).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 1,
    jvmArgs = {"-Xms256m", "-Xmx256m", "-XX:+UseParallelGC"})
public abstract class JmhBase {}
