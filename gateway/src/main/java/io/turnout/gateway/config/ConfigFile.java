package io.turnout.gateway.config;

import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.snapshot.SnapshotValidator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and validates the gateway's config file (YAML, or JSON). */
public final class ConfigFile {
  private static final java.util.regex.Pattern SNI_HOST =
      java.util.regex.Pattern.compile(
          "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");

  private ConfigFile() {}

  /**
   * Reads {@code file} and validates it whole.
   *
   * @throws ConfigException naming each bad field (or the file, when it cannot be read)
   */
  public static GatewayConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot be read (" + e + ")"));
    }
    return parse(text);
  }

  /** Parses and validates config text. */
  public static GatewayConfig parse(String text) throws ConfigException {
    if (text.isBlank()) {
      return GatewayConfig.defaults();
    }
    GatewayConfig config = SnapshotJson.read(SnapshotJson.yaml(), text, GatewayConfig.class);
    validate(config);
    return config;
  }

  /** Checks every section; the hosts with {@link SnapshotValidator}. */
  public static void validate(GatewayConfig c) throws ConfigException {
    List<String> problems = new ArrayList<>();
    checkPort(c.listen().http(), "listen.http", problems);
    checkPort(c.listen().admin(), "listen.admin", problems);
    if (c.listen().http() != 0 && c.listen().http().equals(c.listen().admin())) {
      problems.add("listen.admin: must differ from listen.http");
    }
    String transport = c.listen().transport();
    if (transport != null && !ListenSettings.TRANSPORTS.contains(transport)) {
      problems.add(
          "listen.transport: '"
              + transport
              + "' is not one of "
              + String.join(", ", ListenSettings.TRANSPORTS));
    }
    validateTls(c, problems);
    SnapshotValidator.validateAffinity(c.affinity(), "affinity", problems);
    if (c.affinity().secretFile() != null
        && !Files.isReadable(Path.of(c.affinity().secretFile()))) {
      problems.add("affinity.secretFile: '" + c.affinity().secretFile() + "' cannot be read");
    }
    if (c.preview().token() != null && c.preview().token().isEmpty()) {
      problems.add("preview.token: must not be empty (leave it out to disable dark previews)");
    }
    for (int i = 0; i < c.trustedProxies().size(); i++) {
      try {
        Cidr.parse(c.trustedProxies().get(i));
      } catch (IllegalArgumentException e) {
        problems.add("trustedProxies[" + i + "]: " + e.getMessage());
      }
    }
    positive(c.upstream().connectTimeout().toMillis(), "upstream.connectTimeout", problems);
    notNegative(c.upstream().responseTimeout().toMillis(), "upstream.responseTimeout", problems);
    positive(c.upstream().idleTimeout().toMillis(), "upstream.idleTimeout", problems);
    notNegative(c.upstream().readTimeout().toMillis(), "upstream.readTimeout", problems);
    notNegative(c.upstream().sendTimeout().toMillis(), "upstream.sendTimeout", problems);
    positive(
        c.upstream().maxConnectionsPerEndpoint(), "upstream.maxConnectionsPerEndpoint", problems);
    notNegative(c.upstream().ejectAfter(), "upstream.ejectAfter", problems);
    positive(c.upstream().ejectionTime().toMillis(), "upstream.ejectionTime", problems);
    if (c.upstream().maxEjectionTime().compareTo(c.upstream().ejectionTime()) < 0) {
      problems.add(
          "upstream.maxEjectionTime: must be >= upstream.ejectionTime ("
              + Durations.format(c.upstream().ejectionTime())
              + "), was "
              + Durations.format(c.upstream().maxEjectionTime()));
    }
    double budget = c.upstream().retryBudget();
    if (!(budget >= 0 && budget <= 1)) {
      problems.add("upstream.retryBudget: must be between 0 and 1, was " + budget);
    }
    positive(c.limits().maxUriLength(), "limits.maxUriLength", problems);
    positive(c.limits().maxHeaderSize(), "limits.maxHeaderSize", problems);
    notNegative(c.limits().maxBodySize(), "limits.maxBodySize", problems);
    positive(c.limits().headerReadTimeout().toMillis(), "limits.headerReadTimeout", problems);
    positive(c.limits().keepAliveTimeout().toMillis(), "limits.keepAliveTimeout", problems);
    positive(c.limits().maxConnections(), "limits.maxConnections", problems);
    positive(c.limits().bodyReadTimeout().toMillis(), "limits.bodyReadTimeout", problems);
    notNegative(c.limits().sendTimeout().toMillis(), "limits.sendTimeout", problems);
    notNegative(c.limits().tunnelIdleTimeout().toMillis(), "limits.tunnelIdleTimeout", problems);
    notNegative(c.shutdown().drainDelay().toMillis(), "shutdown.drainDelay", problems);
    notNegative(c.shutdown().timeout().toMillis(), "shutdown.timeout", problems);
    c.assets().validate("assets", problems);
    positive(c.mirror().maxInFlight(), "mirror.maxInFlight", problems);
    positive(c.mirror().timeout().toMillis(), "mirror.timeout", problems);
    positive(c.mirror().maxBodySize(), "mirror.maxBodySize", problems);
    if (c.mirror().maxBodySize() > Integer.MAX_VALUE) {
      problems.add(
          "mirror.maxBodySize: must be <= "
              + Integer.MAX_VALUE
              + ", was "
              + c.mirror().maxBodySize());
    }
    c.http2().validate("http2", problems);
    SnapshotValidator.validateHosts(c.hosts(), "hosts", problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private static void validateTls(GatewayConfig c, List<String> problems) {
    Integer https = c.listen().https();
    if (https != null) {
      checkPort(https, "listen.https", problems);
      if (c.tls() == null) {
        problems.add("tls: is required when listen.https is set");
      }
    }
    if (c.tls() != null) {
      if (https == null) {
        problems.add("listen.https: is required when tls is set");
      }
      readable(c.tls().certFile(), "tls.certFile", problems);
      readable(c.tls().keyFile(), "tls.keyFile", problems);
      positive(c.tls().reloadInterval().toMillis(), "tls.reloadInterval", problems);
      for (int i = 0; i < c.tls().certificates().size(); i++) {
        TlsSettings.SniCertificate sni = c.tls().certificates().get(i);
        String field = "tls.certificates[" + i + "]";
        if (sni == null) {
          problems.add(field + ": must not be empty");
          continue;
        }
        if (sni.hosts().isEmpty()) {
          problems.add(field + ".hosts: must name at least one host");
        }
        for (int j = 0; j < sni.hosts().size(); j++) {
          String h = sni.hosts().get(j);
          if (h == null || !SNI_HOST.matcher(h).matches()) {
            problems.add(
                field
                    + ".hosts["
                    + j
                    + "]: '"
                    + h
                    + "' is not a host name or a wildcard such as *.example.com");
          }
        }
        readable(sni.certFile(), field + ".certFile", problems);
        readable(sni.keyFile(), field + ".keyFile", problems);
      }
    }
  }

  private static void readable(String file, String field, List<String> problems) {
    if (file == null || file.isBlank()) {
      problems.add(field + ": is required");
    } else if (!Files.isReadable(Path.of(file))) {
      problems.add(field + ": '" + file + "' cannot be read");
    }
  }

  /** The routes of a config file as a snapshot with the given version. */
  public static Snapshot snapshotOf(GatewayConfig config, long version) {
    return new Snapshot(version, config.hosts());
  }

  private static void checkPort(int port, String field, List<String> problems) {
    if (port < 0 || port > 65535) {
      problems.add(field + ": must be 0..65535, was " + port);
    }
  }

  private static void positive(long value, String field, List<String> problems) {
    if (value <= 0) {
      problems.add(field + ": must be > 0, was " + value);
    }
  }

  private static void notNegative(long value, String field, List<String> problems) {
    if (value < 0) {
      problems.add(field + ": must be >= 0, was " + value);
    }
  }
}
