package io.turnout.gateway.config;

/**
 * Where the gateway listens.
 *
 * @param http port for proxied traffic (default 8080; 0 picks a free port)
 * @param admin port for health, readiness, metrics and the snapshot (default 9901; 0 picks a free
 *     port)
 * @param address interface to bind (default {@code 0.0.0.0})
 * @param https port for TLS-terminated traffic; off unless set (then {@code tls} is required)
 */
public record ListenSettings(Integer http, Integer admin, String address, Integer https) {
  public static final ListenSettings DEFAULTS = new ListenSettings(8080, 9901, "0.0.0.0", null);

  public ListenSettings {
    http = http == null ? 8080 : http;
    admin = admin == null ? 9901 : admin;
    address = address == null ? "0.0.0.0" : address;
  }
}
