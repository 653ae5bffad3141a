package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.turnout.controller.k8s.Rejection.Kind;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostNames;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.SnapshotValidator;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Translates one Service and its EndpointSlices into its part of the snapshot (docs/REFERENCE.md,
 * Service annotations).
 *
 * <p>Stateless and pure: the same objects always give the same, sorted result, so that an unchanged
 * cluster rebuilds an equal snapshot and nothing is published. Every check that the gateway's
 * {@link SnapshotValidator} would make on the whole snapshot is made here on one Service, so a bad
 * Service is left out alone instead of failing everybody's snapshot.
 */
public final class ServiceTranslator {
  private static final Comparator<EndpointSpec> ENDPOINT_ORDER =
      Comparator.comparing(EndpointSpec::address).thenComparingInt(EndpointSpec::port);

  private ServiceTranslator() {}

  /** {@code namespace/name}, the key every map of the controller uses for a Service. */
  public static String keyOf(String namespace, String name) {
    return namespace + "/" + name;
  }

  public static String keyOf(Service service) {
    return keyOf(service.getMetadata().getNamespace(), service.getMetadata().getName());
  }

  /** The key of the Service an EndpointSlice belongs to, or null when the slice names none. */
  public static String serviceKeyOf(EndpointSlice slice) {
    Map<String, String> labels = slice.getMetadata().getLabels();
    String service = labels == null ? null : labels.get(Annotations.SERVICE_NAME_LABEL);
    return service == null ? null : keyOf(slice.getMetadata().getNamespace(), service);
  }

  /**
   * Translates {@code service}.
   *
   * @param slices the EndpointSlices labelled with this Service's name (any order)
   */
  public static Translation translate(Service service, List<EndpointSlice> slices) {
    Map<String, String> annotations = service.getMetadata().getAnnotations();
    if (annotations == null || !annotations.containsKey(Annotations.HOST)) {
      return Translation.IGNORED;
    }
    String key = keyOf(service);

    List<String> hosts = new ArrayList<>();
    for (String raw : annotations.get(Annotations.HOST).split(",", -1)) {
      String host = HostNames.normalize(raw.trim());
      String problem = hostProblem(host);
      if (problem != null) {
        return reject(key, Kind.HOST, Annotations.HOST + " '" + raw.trim() + "' " + problem);
      }
      hosts.add(host);
    }
    hosts = List.copyOf(new TreeSet<>(hosts));

    String version = annotations.getOrDefault(Annotations.VERSION, service.getMetadata().getName());
    version = version.trim();
    String versionProblem = validatorProblem(version, "/");
    if (versionProblem != null) {
      return reject(key, Kind.VERSION, Annotations.VERSION + " " + versionProblem);
    }

    String path = annotations.getOrDefault(Annotations.PATH, "/").trim();
    String pathProblem = path.isEmpty() ? "is empty" : validatorProblem("v", path);
    if (pathProblem != null) {
      return reject(key, Kind.PATH, Annotations.PATH + " " + pathProblem);
    }
    path = SnapshotValidator.normalizePrefix(path);

    int weight = 0;
    String weightText = annotations.get(Annotations.WEIGHT);
    if (weightText != null) {
      try {
        weight = Integer.parseInt(weightText.trim());
      } catch (NumberFormatException e) {
        return reject(
            key, Kind.WEIGHT, Annotations.WEIGHT + " '" + weightText + "' is not an integer");
      }
      if (weight < 0 || weight > Annotations.MAX_WEIGHT) {
        return reject(
            key,
            Kind.WEIGHT,
            Annotations.WEIGHT + " " + weight + " is outside 0.." + Annotations.MAX_WEIGHT);
      }
    }

    int mirror;
    try {
      mirror = mirrorPercent(annotations.get(Annotations.MIRROR));
    } catch (IllegalArgumentException e) {
      return reject(key, Kind.MIRROR, e.getMessage());
    }

    List<ServicePort> ports =
        service.getSpec() == null || service.getSpec().getPorts() == null
            ? List.of()
            : service.getSpec().getPorts();
    String portText = annotations.get(Annotations.PORT);
    ServicePort port;
    try {
      port = choosePort(ports, portText == null ? null : portText.trim());
    } catch (IllegalArgumentException e) {
      return reject(key, Kind.PORT, e.getMessage());
    }

    String portName = port.getName() == null ? "" : port.getName();
    return new Translation.Accepted(
        new ServiceRoute(
            key,
            createdAt(service),
            hosts,
            path,
            version,
            weight,
            weightText != null,
            true,
            readyEndpoints(portName, slices),
            portName,
            mirror));
  }

  /**
   * The Service's creationTimestamp, or null when absent or unreadable (it then counts as newest).
   */
  static Instant createdAt(Service service) {
    String text = service.getMetadata().getCreationTimestamp();
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /**
   * The {@code turnout.io/mirror} percentage: an integer 0..100, 0 when absent.
   *
   * @throws IllegalArgumentException naming the annotation and its bad value
   */
  static int mirrorPercent(String text) {
    if (text == null) {
      return 0;
    }
    int percent;
    try {
      percent = Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          Annotations.MIRROR + " '" + text + "' is not an integer percentage");
    }
    if (percent < 0 || percent > 100) {
      throw new IllegalArgumentException(
          Annotations.MIRROR + " " + percent + " is outside 0..100 (percent)");
    }
    return percent;
  }

  /**
   * The Service port traffic goes to: the one {@code turnout.io/port} names (by name or number),
   * else the one named {@code http}, else the only one.
   *
   * @throws IllegalArgumentException saying why none fits
   */
  static ServicePort choosePort(List<ServicePort> ports, String wanted) {
    if (ports.isEmpty()) {
      throw new IllegalArgumentException("the Service has no ports");
    }
    if (wanted != null) {
      boolean numeric = !wanted.isEmpty() && wanted.chars().allMatch(Character::isDigit);
      for (ServicePort p : ports) {
        if (numeric
            ? Objects.equals(p.getPort(), parseOrMinus1(wanted))
            : wanted.equals(p.getName())) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          Annotations.PORT + " '" + wanted + "' matches no port of the Service " + describe(ports));
    }
    for (ServicePort p : ports) {
      if ("http".equals(p.getName())) {
        return p;
      }
    }
    if (ports.size() == 1) {
      return ports.get(0);
    }
    throw new IllegalArgumentException(
        "the Service has "
            + ports.size()
            + " ports "
            + describe(ports)
            + " and none is named http; set "
            + Annotations.PORT);
  }

  private static int parseOrMinus1(String digits) {
    try {
      return Integer.parseInt(digits);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String describe(List<ServicePort> ports) {
    List<String> out = new ArrayList<>();
    for (ServicePort p : ports) {
      out.add(
          p.getName() == null || p.getName().isEmpty()
              ? "" + p.getPort()
              : p.getName() + ":" + p.getPort());
    }
    return out.toString();
  }

  /**
   * The ready endpoints of {@code port}, from every slice. A slice names its ports after the
   * Service's port names and gives the target port number; the same address may sit in two slices
   * for a moment while Kubernetes moves it, hence the set.
   */
  static List<EndpointSpec> readyEndpoints(String portName, List<EndpointSlice> slices) {
    TreeSet<EndpointSpec> out = new TreeSet<>(ENDPOINT_ORDER);
    for (EndpointSlice slice : slices) {
      if ("FQDN".equals(slice.getAddressType()) || slice.getPorts() == null) {
        continue; // the gateway dials pod IPs only
      }
      Integer target = null;
      for (EndpointPort ep : slice.getPorts()) {
        String name = ep.getName() == null ? "" : ep.getName();
        if (name.equals(portName) && ep.getPort() != null) {
          target = ep.getPort();
          break;
        }
      }
      if (target == null || target < 1 || target > 65535 || slice.getEndpoints() == null) {
        continue;
      }
      for (Endpoint e : slice.getEndpoints()) {
        if (!isReady(e) || e.getAddresses() == null) {
          continue;
        }
        for (String address : e.getAddresses()) {
          if (address != null && !address.isBlank()) {
            out.add(new EndpointSpec(address, target, true));
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /** Kubernetes: "a nil value should be interpreted as ready" for {@code conditions.ready}. */
  private static boolean isReady(Endpoint e) {
    return e.getConditions() == null
        || e.getConditions().getReady() == null
        || e.getConditions().getReady();
  }

  private static String hostProblem(String host) {
    if (host.isEmpty()) {
      return "is an empty host name";
    }
    if (host.equals("*")) {
      return null;
    }
    List<String> problems = new ArrayList<>();
    SnapshotValidator.validateHosts(List.of(probe(host, "v", "/")), "h", problems);
    return problems.isEmpty() ? null : "is not a host name or *.suffix wildcard";
  }

  /** The gateway validator's first complaint about a version name or path, without field path. */
  private static String validatorProblem(String version, String path) {
    List<String> problems = new ArrayList<>();
    SnapshotValidator.validateHosts(List.of(probe("h", version, path)), "h", problems);
    if (problems.isEmpty()) {
      return null;
    }
    String p = problems.get(0);
    int colon = p.indexOf(": ");
    return colon < 0 ? p : p.substring(colon + 2);
  }

  private static HostSpec probe(String host, String version, String path) {
    return new HostSpec(
        host, List.of(new RouteSpec(path, List.of(new VersionSpec(version, 0, List.of())))));
  }

  private static Translation reject(String key, Kind kind, String message) {
    return new Translation.Rejected(new Rejection(key, kind, message));
  }
}
