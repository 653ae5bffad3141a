package io.turnout.gateway.config;

/**
 * Where the gateway listens.
 *
 * @param http port for proxied traffic (default 8080; 0 picks a free port)
 * @param admin port for health, readiness, metrics and the snapshot (default 9901; 0 picks a free
 *     port)
 * @param address interface to bind (default {@code 0.0.0.0})
 */
public record ListenSettings(Integer http, Integer admin, String address) {
  public static final ListenSettings DEFAULTS = new ListenSettings(8080, 9901, "0.0.0.0");

  public ListenSettings {
    http = http == null ? 8080 : http;
    admin = admin == null ? 9901 : admin;
    address = address == null ? "0.0.0.0" : address;
  }
}
