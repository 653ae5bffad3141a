package io.turnout.controller.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import java.time.Duration;
import java.util.Map;
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
 *
 * <p>With {@code ?delta=1} the first event is the full snapshot (or, on a resume, the held deltas
 * since {@code Last-Event-ID}), then {@code event: delta}, {@code id: <version>}, {@code data:
 * <SnapshotDelta JSON>} for each change; see {@link SnapshotStream}. With a stream token set, a
 * stream request without {@code Authorization: Bearer <token>} gets 401.
 */
public interface SnapshotServer extends AutoCloseable {
  /**
   * @param bindAddress the address to bind ("0.0.0.0" for all)
   * @param port the port (0 picks a free one)
   * @param heartbeat the interval of keep-alive comments
   * @param slowClientTimeout how long a subscriber may take no data before it is cut
   * @param highWaterMark per-connection write buffer above which a subscriber counts as not taking
   *     data
   * @param endpointCoalesce how long endpoint-only changes gather before they are sent (a weight,
   *     version or host change is sent at once, with whatever endpoint changes are pending)
   * @param maxStreams snapshot streams open at once; one more is answered 503
   * @param streamToken the bearer token a stream request must carry, or null for none
   */
  record Settings(
      String bindAddress,
      int port,
      Duration heartbeat,
      Duration slowClientTimeout,
      int highWaterMark,
      Duration endpointCoalesce,
      int maxStreams,
      String streamToken) {
    public static Settings defaults(int port) {
      return new Settings(
          "0.0.0.0",
          port,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          1 << 20,
          Duration.ofMillis(100),
          512,
          null);
    }

    public Settings withHeartbeat(Duration d) {
      return new Settings(
          bindAddress,
          port,
          d,
          slowClientTimeout,
          highWaterMark,
          endpointCoalesce,
          maxStreams,
          streamToken);
    }

    public Settings withSlowClientTimeout(Duration d) {
      return new Settings(
          bindAddress,
          port,
          heartbeat,
          d,
          highWaterMark,
          endpointCoalesce,
          maxStreams,
          streamToken);
    }

    public Settings withHighWaterMark(int bytes) {
      return new Settings(
          bindAddress,
          port,
          heartbeat,
          slowClientTimeout,
          bytes,
          endpointCoalesce,
          maxStreams,
          streamToken);
    }

    public Settings withEndpointCoalesce(Duration d) {
      return new Settings(
          bindAddress,
          port,
          heartbeat,
          slowClientTimeout,
          highWaterMark,
          d,
          maxStreams,
          streamToken);
    }

    public Settings withMaxStreams(int n) {
      return new Settings(
          bindAddress,
          port,
          heartbeat,
          slowClientTimeout,
          highWaterMark,
          endpointCoalesce,
          n,
          streamToken);
    }

    public Settings withStreamToken(String token) {
      return new Settings(
          bindAddress,
          port,
          heartbeat,
          slowClientTimeout,
          highWaterMark,
          endpointCoalesce,
          maxStreams,
          token);
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

  /**
   * As {@link #publish(Snapshot)}, naming the hosts that changed since the last snapshot published
   * (name -> new form, null when gone), so the stream compares only those.
   */
  default void publish(Snapshot snapshot, Map<String, HostSpec> changed) {
    publish(snapshot);
  }

  /** The bound port. */
  int port();

  /** Subscribers connected now. */
  int subscribers();

  @Override
  void close();
}
