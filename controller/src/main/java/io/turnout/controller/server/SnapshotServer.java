package io.turnout.controller.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The controller's one HTTP port: {@code GET /v1/snapshots} (Server-Sent Events), {@code /healthz},
 * {@code /readyz} and {@code /metrics}.
 *
 * <p>Stream protocol: each snapshot is one event {@code event: snapshot}, {@code id: <version>},
 * {@code data: <snapshot JSON on one line>}. A new subscriber gets the current snapshot at once,
 * unless its {@code Last-Event-ID} is the current version. Comment lines ({@code : keep-alive})
 * every {@code heartbeat} let both ends notice a dead connection.
 */
public interface SnapshotServer extends AutoCloseable {
  /**
   * @param bindAddress the address to bind ("0.0.0.0" for all)
   * @param port the port (0 picks a free one)
   * @param heartbeat the interval of keep-alive comments
   * @param slowClientTimeout how long a subscriber may stay unable to take data before it is cut
   * @param ready what {@code /readyz} reports
   */
  record Settings(
      String bindAddress,
      int port,
      Duration heartbeat,
      Duration slowClientTimeout,
      int highWaterMark) {
    public static Settings defaults(int port) {
      return new Settings("0.0.0.0", port, Duration.ofSeconds(10), Duration.ofSeconds(30), 1 << 20);
    }

    public Settings withHeartbeat(Duration d) {
      return new Settings(bindAddress, port, d, slowClientTimeout, highWaterMark);
    }

    public Settings withSlowClientTimeout(Duration d) {
      return new Settings(bindAddress, port, heartbeat, d, highWaterMark);
    }

    public Settings withHighWaterMark(int bytes) {
      return new Settings(bindAddress, port, heartbeat, slowClientTimeout, bytes);
    }
  }

  /** Binds and starts serving; fails when the port cannot be bound. */
  static SnapshotServer start(
      Settings settings, BooleanSupplier ready, PrometheusMeterRegistry registry) {
    return NettySnapshotServer.start(settings, ready, registry, new SideRoutes(null, null));
  }

  /**
   * As {@link #start}, also taking the gateways' reports ({@code POST /v1/reports}) into fleet and
   * serving the dashboard ({@code GET /ui/}) from {@code dashboardState}, the JSON it shows.
   */
  static SnapshotServer start(
      Settings settings,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry,
      FleetStats fleet,
      Supplier<String> dashboardState) {
    return NettySnapshotServer.start(
        settings,
        ready,
        registry,
        new SideRoutes(fleet, dashboardState == null ? null : new DashboardRoutes(dashboardState)));
  }

  /** Streams {@code snapshot} to every subscriber. Thread-safe, never blocks. */
  void publish(Snapshot snapshot);

  /** The bound port. */
  int port();

  /** Subscribers connected now. */
  int subscribers();

  @Override
  void close();
}
