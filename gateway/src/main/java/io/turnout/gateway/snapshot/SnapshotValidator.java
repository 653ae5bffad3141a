package io.turnout.gateway.snapshot;

import io.turnout.gateway.config.AffinitySettings;
import io.turnout.gateway.config.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a snapshot whole before it may be swapped in. Every problem is reported at once, each
 * naming its field, so an operator fixes a file in one pass.
 */
public final class SnapshotValidator {
  /** Version names travel in cookies and metric tags: keep them to a safe, short alphabet. */
  private static final Pattern VERSION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");

  private static final Pattern HOST_LABELS =
      Pattern.compile(
          "(\\*\\.)?([A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*");

  /** RFC 6265 cookie-name: an HTTP token. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private SnapshotValidator() {}

  /**
   * @throws ConfigException listing every problem found
   */
  public static void validate(Snapshot snapshot) throws ConfigException {
    List<String> problems = new ArrayList<>();
    if (snapshot.version() < 0) {
      problems.add("version: must be >= 0, was " + snapshot.version());
    }
    validateHosts(snapshot.hosts(), "hosts", problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** Adds to {@code problems} what is wrong with {@code hosts}, under the field name {@code at}. */
  public static void validateHosts(List<HostSpec> hosts, String at, List<String> problems) {
    Set<String> seenHosts = new HashSet<>();
    for (int h = 0; h < hosts.size(); h++) {
      HostSpec host = hosts.get(h);
      String hp = at + "[" + h + "]";
      if (host == null) {
        problems.add(hp + ": must not be null");
        continue;
      }
      // Checked and compared as normalised: "Shop.example.com." is "shop.example.com".
      String name = HostNames.normalize(host.host());
      if (name == null || name.isBlank()) {
        problems.add(hp + ".host: is required");
      } else if (!name.equals("*") && !HOST_LABELS.matcher(name).matches()) {
        problems.add(
            hp + ".host: '" + host.host() + "' is not a host name, *.suffix wildcard or *");
      } else if (!seenHosts.add(name)) {
        problems.add(
            hp
                + ".host: '"
                + host.host()
                + "' appears more than once"
                + (name.equals(host.host()) ? "" : " (as " + name + ")"));
      }
      if (host.routes().isEmpty()) {
        problems.add(hp + ".routes: needs at least one route");
      }
      validateRoutes(host.routes(), hp + ".routes", problems);
      if (host.affinity() != null) {
        validateAffinity(host.affinity(), hp + ".affinity", problems);
      }
      if (host.assets() != null) {
        host.assets().validate(hp + ".assets", problems);
      }
    }
  }

  private static void validateRoutes(List<RouteSpec> routes, String at, List<String> problems) {
    Set<String> seenMatches = new HashSet<>();
    for (int r = 0; r < routes.size(); r++) {
      RouteSpec route = routes.get(r);
      String rp = at + "[" + r + "]";
      if (route == null) {
        problems.add(rp + ": must not be null");
        continue;
      }
      String path = route.path();
      if (!path.startsWith("/")) {
        problems.add(rp + ".path: '" + path + "' must start with /");
      } else if (path.contains("?") || path.contains("#") || path.contains(" ")) {
        problems.add(rp + ".path: '" + path + "' must be a plain path prefix");
      } else if (!seenMatches.add(matchKey(route))) {
        problems.add(
            rp
                + ".path: '"
                + path
                + "' appears more than once for this host with the same match (path, pathType,"
                + " method, headers, queryParams)");
      }
      RouteRulesValidator.validate(route, rp, problems);
      if (route.versions().isEmpty() && !redirects(route)) {
        problems.add(rp + ".versions: needs at least one version (or a RequestRedirect filter)");
      }
      Set<String> seenVersions = new HashSet<>();
      for (int v = 0; v < route.versions().size(); v++) {
        VersionSpec version = route.versions().get(v);
        String vp = rp + ".versions[" + v + "]";
        if (version == null) {
          problems.add(vp + ": must not be null");
          continue;
        }
        if (version.name() == null || !VERSION_NAME.matcher(version.name()).matches()) {
          problems.add(
              vp
                  + ".name: '"
                  + version.name()
                  + "' must be 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
        } else if (!seenVersions.add(version.name())) {
          problems.add(vp + ".name: '" + version.name() + "' appears more than once in this route");
        }
        if (version.weight() < 0) {
          problems.add(vp + ".weight: must be >= 0, was " + version.weight());
        }
        if (version.mirror() < 0 || version.mirror() > 100) {
          problems.add(vp + ".mirror: must be 0..100 (percent), was " + version.mirror());
        }
        if (version.drainingSince() != null && version.drainingSince() < 0) {
          problems.add(
              vp
                  + ".drainingSince: must be epoch milliseconds >= 0, was "
                  + version.drainingSince());
        }
        for (int e = 0; e < version.endpoints().size(); e++) {
          EndpointSpec ep = version.endpoints().get(e);
          String ep0 = vp + ".endpoints[" + e + "]";
          if (ep == null) {
            problems.add(ep0 + ": must not be null");
          } else if (ep.address() == null || ep.address().isBlank()) {
            problems.add(ep0 + ".address: is required");
          } else if (ep.port() < 1 || ep.port() > 65535) {
            problems.add(ep0 + ".port: must be 1..65535, was " + ep.port());
          }
        }
      }
    }
  }

  /** Checks the parts of affinity settings that can be wrong on their own. */
  public static void validateAffinity(AffinitySettings a, String at, List<String> problems) {
    if (a.cookie() != null && !TOKEN.matcher(a.cookie()).matches()) {
      problems.add(at + ".cookie: '" + a.cookie() + "' is not a valid cookie name");
    }
    if (a.drainTimeout() != null && a.drainTimeout().isNegative()) {
      problems.add(at + ".drainTimeout: must not be negative");
    }
    if (a.maxAge() != null && a.maxAge().isNegative()) {
      problems.add(at + ".maxAge: must not be negative");
    }
    if (a.keyHeader() != null && !TOKEN.matcher(a.keyHeader()).matches()) {
      problems.add(at + ".keyHeader: '" + a.keyHeader() + "' is not a valid header name");
    }
    if (a.secret() != null && a.secret().isEmpty()) {
      problems.add(at + ".secret: must not be empty");
    }
    if (a.secrets() != null) {
      if (a.secrets().isEmpty()) {
        problems.add(at + ".secrets: must list at least one key");
      }
      for (int i = 0; i < a.secrets().size(); i++) {
        if (a.secrets().get(i) == null || a.secrets().get(i).isEmpty()) {
          problems.add(at + ".secrets[" + i + "]: must not be empty");
        }
      }
    }
  }

  private static boolean redirects(RouteSpec route) {
    for (RouteFilterSpec f : route.filters()) {
      if (f != null && RouteFilterSpec.REQUEST_REDIRECT.equals(f.type())) {
        return true;
      }
    }
    return false;
  }

  /**
   * A route's identity within its host: its full match (path type, normalised path, method, headers
   * by lower-cased name, query parameters). Two routes of a host may share a path (a canary by
   * header beside the plain route) but never a match key.
   */
  public static String matchKey(RouteSpec route) {
    StringBuilder sb = new StringBuilder();
    sb.append(route.exactPath() ? "= " + route.path() : "^ " + normalizePrefix(route.path()));
    sb.append('\n').append(route.method() == null ? "*" : route.method());
    route.headers().stream()
        .filter(h -> h != null && h.name() != null)
        .map(
            h ->
                "\nh "
                    + h.name().toLowerCase(java.util.Locale.ROOT)
                    + (isRegex(h.type()) ? " ~ " : " = ")
                    + h.value())
        .sorted()
        .forEach(sb::append);
    route.queryParams().stream()
        .filter(q -> q != null && q.name() != null)
        .map(q -> "\nq " + q.name() + (isRegex(q.type()) ? " ~ " : " = ") + q.value())
        .sorted()
        .forEach(sb::append);
    return sb.toString();
  }

  private static boolean isRegex(String type) {
    return "RegularExpression".equals(type);
  }

  /** {@code /api/} and {@code /api} are the same prefix. */
  public static String normalizePrefix(String path) {
    if (path.length() > 1 && path.endsWith("/")) {
      return path.substring(0, path.length() - 1);
    }
    return path;
  }
}
