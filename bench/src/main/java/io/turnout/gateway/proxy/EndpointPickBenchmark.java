package io.turnout.gateway.proxy;

import io.turnout.bench.jmh.Fixtures;
import io.turnout.bench.jmh.JmhBase;
import io.turnout.gateway.routing.UpstreamEndpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * {@code EndpointPicker.pick}: least outstanding requests of two random endpoints (P2C) among
 * blue's three endpoints. In the gateway's proxy package because the picker is package-private.
 */
@State(Scope.Thread)
public class EndpointPickBenchmark extends JmhBase {
  private UpstreamEndpoint[] endpoints;

  @Setup
  public void setup() {
    endpoints = Fixtures.table().host(Fixtures.exactHost(7)).route("/").version("blue").endpoints();
    endpoints[1].requestStarted(); // uneven load, as under traffic
  }

  @Benchmark
  public UpstreamEndpoint pick() {
    return EndpointPicker.pick(endpoints, null, System.nanoTime());
  }
}
