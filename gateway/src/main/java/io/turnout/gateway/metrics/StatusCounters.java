package io.turnout.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One counter per HTTP status code for a (host, version), tagged {@code host}, {@code version} and
 * {@code code}, each registered the first time its code is seen. A status outside 100..599 counts
 * as code 0, so the tag values stay a bounded set.
 *
 * <p>Thread-safe: two threads may race to register the same code; Micrometer returns the same
 * counter to both.
 */
public final class StatusCounters {
  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String host;
  private final String version;
  private final AtomicReferenceArray<Counter> byCode = new AtomicReferenceArray<>(600);

  public StatusCounters(
      MeterRegistry registry, String name, String description, String host, String version) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.host = host;
    this.version = version;
  }

  /** Counts one answer with {@code status}. */
  public void increment(int status) {
    int code = status >= 100 && status < 600 ? status : 0;
    Counter c = byCode.get(code);
    if (c == null) {
      c =
          Counter.builder(name)
              .description(description)
              .tags("host", host, "version", version, "code", Integer.toString(code))
              .register(registry);
      byCode.set(code, c);
    }
    c.increment();
  }

  /** Answers counted so far with a status in {@code from..to} (inclusive). */
  public long sum(int from, int to) {
    long total = 0;
    for (int code = from; code <= to; code++) {
      Counter c = byCode.get(code);
      if (c != null) {
        total += (long) c.count();
      }
    }
    return total;
  }
}
