package io.turnout.controller.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stamps each version of the assembled snapshot that does not serve with the wall-clock time it
 * stopped serving ({@code drainingSince}), so that every gateway derives the same drain from the
 * snapshot alone, and keeps that stamp on the owning Service ({@link Annotations#DRAINING_SINCE}).
 *
 * <p>Serving is as docs/REFERENCE.md defines it: weight &gt; 0 (after equal shares) and at least
 * one ready endpoint. For a version (one host, path and version name) that does not serve, the
 * stamp is, first match wins:
 *
 * <ol>
 *   <li>it served in the previous snapshot: now (it stops now), unless the Service already carries
 *       a stamp newer than that snapshot (another controller replica saw the same stop first);
 *   <li>the stamp on its Service, when it has one: what a restarted controller continues from;
 *   <li>its stamp in the previous snapshot (the Service was deleted, or its annotation not written
 *       yet);
 *   <li>none: it never served, it is dark.
 * </ol>
 *
 * <p>Example: blue serves, {@code turnout switch shop green} at 12:00:00.000; the next rebuild sees
 * blue at weight 0, stamps it 12:00:00.031 and asks for {@code turnout.io/draining-since:
 * 2026-11-29T12:00:00.031Z} on {@code shop-blue}. A controller restarted at 12:01 finds the
 * annotation (rule 2) and publishes the same stamp; gateways started at 12:02 see blue draining
 * until 12:05:00.031 with the default 5-minute {@code drainTimeout}. When blue serves again its
 * stamp goes, from the snapshot and from the Service.
 *
 * <p>A Service stamped for several hosts keeps one annotation: the earliest of its stamps, and
 * every version of it that does not serve carries that earliest stamp at once. (Rule 2 would give
 * them that stamp on the next rebuild anyway, once the annotation is read back; giving it at once
 * makes a stamp the same whichever rebuild computes it, which the reconciler's check of its kept
 * hosts against a whole rebuild relies on.)
 *
 * <p>Owned by the reconciler thread.
 */
final class DrainLedger {
  private final ClusterView view;
  private final DrainStampWriter writer;
  private final Clock clock;

  DrainLedger(ClusterView view, DrainStampWriter writer, Clock clock) {
    this.view = view;
    this.writer = writer;
    this.clock = clock;
  }

  private record Slot(String host, String path, String version) {}

  /**
   * @param hosts the assembled hosts (without stamps)
   * @param previous the last published snapshot, or null after a start
   * @param routes every route the hosts were assembled from
   * @param leftOut keys of Services left out of the snapshot (their routes own no version)
   * @return the hosts with every version's {@code drainingSince} set or cleared
   */
  List<HostSpec> stamp(
      List<HostSpec> hosts,
      Snapshot previous,
      Collection<ServiceRoute> routes,
      Set<String> leftOut) {
    Map<String, HostSpec> byName = new HashMap<>();
    if (previous != null) {
      for (HostSpec h : previous.hosts()) {
        byName.put(h.host(), h);
      }
    }
    return stamp(hosts, byName, previous == null ? -1 : previous.version(), routes, leftOut);
  }

  /**
   * As {@link #stamp(List, Snapshot, Collection, Set)} for some hosts only: the incremental rebuild
   * stamps just the hosts a change reached. {@code routes} must hold every route that claims one of
   * {@code hosts} (all of a Service's slots are then among them, so its annotation is right).
   *
   * @param previousHosts the last published hosts by name (only those named in {@code hosts} are
   *     read)
   * @param previousVersion the last published version, or -1 after a start
   */
  List<HostSpec> stamp(
      List<HostSpec> hosts,
      Map<String, HostSpec> previousHosts,
      long previousVersion,
      Collection<ServiceRoute> routes,
      Set<String> leftOut) {
    long now = clock.millis();
    Map<Slot, ServiceRoute> owners = owners(routes, leftOut);
    Map<Slot, VersionSpec> before = index(hosts, previousHosts);
    Map<String, Long> wanted = new HashMap<>(); // live Service key -> its stamp, or MAX_VALUE
    Map<Slot, Long> stamps = new HashMap<>();
    for (HostSpec host : hosts) {
      for (RouteSpec route : host.routes()) {
        for (VersionSpec v : route.versions()) {
          Slot slot = new Slot(host.host(), route.path(), v.name());
          ServiceRoute owner = owners.get(slot);
          boolean live = owner != null && owner.live();
          Long recorded = live ? recorded(owner.key()) : null;
          Long stamp =
              serving(v) ? null : stampOf(before.get(slot), recorded, previousVersion, now);
          if (live) {
            wanted.merge(owner.key(), stamp == null ? Long.MAX_VALUE : stamp, Math::min);
          }
          stamps.put(slot, stamp);
        }
      }
    }
    List<HostSpec> out = new ArrayList<>(hosts.size());
    for (HostSpec host : hosts) {
      List<RouteSpec> routesOut = new ArrayList<>(host.routes().size());
      for (RouteSpec route : host.routes()) {
        List<VersionSpec> versions = new ArrayList<>(route.versions().size());
        for (VersionSpec v : route.versions()) {
          Slot slot = new Slot(host.host(), route.path(), v.name());
          Long stamp = stamps.get(slot);
          ServiceRoute owner = owners.get(slot);
          if (!serving(v) && owner != null && owner.live()) {
            long earliest = wanted.get(owner.key());
            stamp = earliest == Long.MAX_VALUE ? stamp : Long.valueOf(earliest);
          }
          versions.add(Objects.equals(stamp, v.drainingSince()) ? v : v.withDrainingSince(stamp));
        }
        routesOut.add(route.withVersions(versions));
      }
      out.add(host.withRoutes(routesOut));
    }
    for (Map.Entry<String, Long> e : wanted.entrySet()) {
      Long stamp = e.getValue() == Long.MAX_VALUE ? null : e.getValue();
      if (!Objects.equals(stamp, recorded(e.getKey()))) {
        writer.write(e.getKey(), stamp);
      }
    }
    return List.copyOf(out);
  }

  private static Long stampOf(VersionSpec before, Long recorded, long previousVersion, long now) {
    if (before != null && serving(before)) {
      // It stops now. An annotation older than the snapshot in which it still served is left
      // over from an earlier drain; a newer one is another replica's stamp of this very stop.
      return recorded != null && recorded > previousVersion ? recorded : now;
    }
    if (recorded != null) {
      return recorded;
    }
    return before == null ? null : before.drainingSince();
  }

  static boolean serving(VersionSpec v) {
    return v.weight() > 0 && v.hasReadyEndpoint();
  }

  /** The stamp on the Service in the informer cache, or null (none, or not a time). */
  private Long recorded(String key) {
    Service s = view.service(key);
    Map<String, String> annotations = s == null ? null : s.getMetadata().getAnnotations();
    String text = annotations == null ? null : annotations.get(Annotations.DRAINING_SINCE);
    return text == null ? null : parse(text);
  }

  /** RFC 3339 as the controller writes it; plain epoch milliseconds are accepted too. */
  static Long parse(String text) {
    String t = text.trim();
    try {
      return !t.isEmpty() && t.chars().allMatch(Character::isDigit)
          ? Long.parseLong(t)
          : Instant.parse(t).toEpochMilli();
    } catch (NumberFormatException | DateTimeParseException e) {
      return null; // rewritten with the stamp the controller holds on its next write
    }
  }

  static String format(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  /**
   * Which route owns each version slot of the snapshot: a live Service that was not left out, else
   * a deleted one kept to drain (the assembler lets live owners win the same way).
   */
  private static Map<Slot, ServiceRoute> owners(
      Collection<ServiceRoute> routes, Set<String> leftOut) {
    Map<Slot, ServiceRoute> owners = new HashMap<>();
    for (ServiceRoute r : routes) {
      if (leftOut.contains(r.key())) {
        continue;
      }
      for (String host : r.hosts()) {
        owners.merge(
            new Slot(host, r.path(), r.version()),
            r,
            (a, b) ->
                a.live() == b.live()
                    ? (a.key().compareTo(b.key()) <= 0 ? a : b)
                    : a.live() ? a : b);
      }
    }
    return owners;
  }

  /** The previous versions of the hosts named in {@code hosts}, by slot. */
  private static Map<Slot, VersionSpec> index(
      List<HostSpec> hosts, Map<String, HostSpec> previousHosts) {
    Map<Slot, VersionSpec> out = new HashMap<>();
    for (HostSpec now : hosts) {
      HostSpec h = previousHosts.get(now.host());
      if (h == null) {
        continue;
      }
      for (RouteSpec r : h.routes()) {
        for (VersionSpec v : r.versions()) {
          out.put(new Slot(h.host(), r.path(), v.name()), v);
        }
      }
    }
    return out;
  }
}
