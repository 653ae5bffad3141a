package io.turnout.gateway.affinity;

import io.turnout.bench.jmh.Fixtures;
import io.turnout.bench.jmh.JmhBase;
import io.turnout.gateway.config.PreviewSettings;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Pin cookie parse + MAC verify: {@code VersionChooser.findPin} finds the {@code turnout} cookie
 * among others in a {@code Cookie} header and checks its HMAC-SHA256 (over the cookie and the
 * host). Lives in the gateway's package (in the bench module) because {@code findPin} is
 * package-private. Also the cost of signing a new pin ({@code encode}), which the new-visitor path
 * pays.
 */
@State(Scope.Thread)
public class PinCookieBenchmark extends JmhBase {
  private static final String HOST = "shop.example.com";
  private AffinityPolicy policy;
  private String cookieHeader;

  @Setup
  public void setup() {
    policy = AffinityPolicy.of(Fixtures.AFFINITY, PreviewSettings.DEFAULTS);
    String pin = policy.codec().encode(4711, "green", HOST);
    cookieHeader = "_ga=GA1.2.1234567890.1700000000; turnout=" + pin + "; theme=dark";
    if (VersionChooser.findPin(policy, cookieHeader, HOST) < 0) {
      throw new IllegalStateException("fixture cookie does not verify");
    }
  }

  @Benchmark
  public long parseAndVerify() {
    return VersionChooser.findPin(policy, cookieHeader, HOST);
  }

  @Benchmark
  public String signNewPin() {
    return policy.codec().encode(4711, "green", HOST);
  }
}
