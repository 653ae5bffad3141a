package io.turnout.gateway.snapshot;

/**
 * An upstream endpoint (a pod IP and port).
 *
 * <p>In JSON and YAML an endpoint is written {@code "10.0.0.7:8080"} (ready) or, when it is not
 * ready, {@code {"address": "10.0.0.7", "port": 8080, "ready": false}}. IPv6 addresses use brackets
 * in the short form: {@code "[::1]:8080"}.
 */
public record EndpointSpec(String address, int port, boolean ready) {

  public EndpointSpec(String address, int port) {
    this(address, port, true);
  }

  /** The {@code host:port} form ({@code [v6]:port} for IPv6). */
  public String authority() {
    return address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port;
  }

  /**
   * Parses {@code host:port} or {@code [v6]:port}.
   *
   * @throws IllegalArgumentException with the reason when the text is not of that form
   */
  public static EndpointSpec parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty endpoint, expected host:port");
    }
    String s = text.trim();
    String host;
    String portText;
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("'" + text + "' is not [ipv6]:port");
      }
      host = s.substring(1, close);
      portText = s.substring(close + 2);
    } else {
      int colon = s.lastIndexOf(':');
      if (colon <= 0 || s.indexOf(':') != colon) {
        throw new IllegalArgumentException("'" + text + "' is not host:port");
      }
      host = s.substring(0, colon);
      portText = s.substring(colon + 1);
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' has no numeric port");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "' has port " + port + " outside 1..65535");
    }
    return new EndpointSpec(host, port, true);
  }

  @Override
  public String toString() {
    return ready ? authority() : authority() + " (not ready)";
  }
}
