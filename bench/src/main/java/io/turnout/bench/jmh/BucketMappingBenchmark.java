package io.turnout.bench.jmh;

import io.turnout.gateway.routing.BucketMapping;
import io.turnout.gateway.routing.VersionTarget;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** {@code BucketMapping.versionFor(bucket)}: bucket to version over blue 90 / green 10. */
@State(Scope.Thread)
public class BucketMappingBenchmark extends JmhBase {
  private BucketMapping mapping;
  private int bucket;

  @Setup
  public void setup() {
    mapping = Fixtures.table().host(Fixtures.exactHost(7)).route("/").mapping();
  }

  @Benchmark
  public VersionTarget versionFor() {
    int b = bucket;
    bucket = b == BucketMapping.BUCKETS - 1 ? 0 : b + 1;
    return mapping.versionFor(b);
  }
}
