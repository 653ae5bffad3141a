package io.turnout.bench.jmh;

import io.turnout.gateway.routing.CompiledHost;
import io.turnout.gateway.routing.RoutingTable;
import java.util.Locale;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code RoutingTable.host(Host header)} over 10,000 hosts: an exact name (mixed case, with a port,
 * as browsers send it), a name only a wildcard matches, and an unknown name (404). Each operation
 * takes the next of 1,024 pre-made headers, so neither the JIT nor the cache sees one fixed key.
 */
@State(Scope.Thread)
public class HostMatchBenchmark extends JmhBase {
  private static final int N = 1024;
  private RoutingTable table;
  private final String[] exact = new String[N];
  private final String[] wildcard = new String[N];
  private final String[] unknown = new String[N];
  private int i;

  @Setup
  public void setup() {
    table = Fixtures.table();
    SplittableRandom r = new SplittableRandom(42);
    for (int k = 0; k < N; k++) {
      exact[k] =
          Fixtures.exactHost(r.nextInt(Fixtures.HOSTS - Fixtures.WILDCARDS))
                  .toUpperCase(Locale.ROOT)
                  .replace("EXAMPLE", "Example")
              + ":443";
      wildcard[k] = "app.eu." + Fixtures.wildcardParent(r.nextInt(Fixtures.WILDCARDS));
      unknown[k] = "nobody-" + k + ".example.org";
    }
  }

  @Benchmark
  public CompiledHost exactName() {
    return table.host(exact[i++ & (N - 1)]);
  }

  @Benchmark
  public CompiledHost wildcardName() {
    return table.host(wildcard[i++ & (N - 1)]);
  }

  @Benchmark
  public CompiledHost unknownName() {
    return table.host(unknown[i++ & (N - 1)]);
  }
}
