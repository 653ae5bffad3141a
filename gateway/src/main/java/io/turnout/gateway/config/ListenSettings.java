package io.turnout.gateway.config;

import java.util.List;

/**
 * Where the gateway listens.
 *
 * @param http port for proxied traffic (default 8080; 0 picks a free port)
 * @param admin port for health, readiness, metrics and the snapshot (default 9901; 0 picks a free
 *     port)
 * @param address interface to bind (default {@code 0.0.0.0})
 * @param https port for TLS-terminated traffic; off unless set (then {@code tls} is required)
 * @param transport socket transport: {@code auto} (io_uring where the kernel allows it, else epoll
 *     where it loads, else Java NIO), {@code epoll}, {@code io_uring} or {@code nio}; a native one
 *     named that cannot load falls back with a warning. Unset: {@code -Dturnout.transport}, else
 *     {@code auto}
 */
public record ListenSettings(
    Integer http, Integer admin, String address, Integer https, String transport) {
  public static final ListenSettings DEFAULTS =
      new ListenSettings(8080, 9901, "0.0.0.0", null, null);

  /** The values {@code transport} takes. */
  public static final List<String> TRANSPORTS = List.of("auto", "epoll", "io_uring", "nio");

  public ListenSettings {
    http = http == null ? 8080 : http;
    admin = admin == null ? 9901 : admin;
    address = address == null ? "0.0.0.0" : address;
  }
}
