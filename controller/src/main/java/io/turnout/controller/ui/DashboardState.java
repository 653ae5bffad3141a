package io.turnout.controller.ui;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Service;
import io.turnout.controller.fleet.FleetStats;
import io.turnout.controller.fleet.WindowStats;
import io.turnout.controller.k8s.Annotations;
import io.turnout.controller.rollout.RolloutSpec;
import io.turnout.gateway.config.Durations;
import io.turnout.gateway.snapshot.EndpointSpec;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.RouteSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.VersionSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the dashboard ({@code GET /ui/}) shows, as one JSON document built once a second for all
 * viewers: every host of the current snapshot with its versions (weight, state, ready endpoints)
 * and the fleet's live numbers over the last 10 s, and every rollout with its spec, status and the
 * target's numbers in the current step.
 *
 * <p>Threads: {@link #json} is called by the dashboard's own thread; it only reads immutable
 * snapshots, the informer cache and {@link FleetStats}.
 */
public final class DashboardState implements Supplier<String> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LIVE_WINDOW_MILLIS = 10_000;

  private final Supplier<Snapshot> snapshot;
  private final Supplier<List<Service>> services;
  private final FleetStats fleet;
  private final BooleanSupplier leading;
  private final LongSupplier clock;

  public DashboardState(
      Supplier<Snapshot> snapshot,
      Supplier<List<Service>> services,
      FleetStats fleet,
      BooleanSupplier leading,
      LongSupplier clock) {
    this.snapshot = snapshot;
    this.services = services;
    this.fleet = fleet;
    this.leading = leading;
    this.clock = clock;
  }

  @Override
  public String get() {
    return json();
  }

  public String json() {
    long now = clock.getAsLong();
    ObjectNode root = JSON.createObjectNode();
    root.put("at", now);
    root.put("leader", leading.getAsBoolean());
    ArrayNode gws = root.putArray("gateways");
    fleet.liveGateways().forEach(gws::add);
    ArrayNode hosts = root.putArray("hosts");
    Snapshot s = snapshot.get();
    if (s != null) {
      for (HostSpec h : s.hosts()) {
        hosts.add(host(h, now));
      }
    }
    ArrayNode rollouts = root.putArray("rollouts");
    for (Service svc : services.get()) {
      Map<String, String> a = svc.getMetadata().getAnnotations();
      if (a == null || a.get(Annotations.ROLLOUT) == null) {
        continue;
      }
      rollouts.add(rollout(svc, a, now));
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode host(HostSpec h, long now) {
    ObjectNode n = JSON.createObjectNode();
    n.put("host", h.host());
    // A version may serve several routes of a host: one row per version, its largest weight.
    Map<String, VersionSpec> versions = new LinkedHashMap<>();
    for (RouteSpec r : h.routes()) {
      for (VersionSpec v : r.versions()) {
        versions.merge(v.name(), v, (x, y) -> x.weight() >= y.weight() ? x : y);
      }
    }
    ArrayNode vs = n.putArray("versions");
    for (VersionSpec v : versions.values()) {
      ObjectNode o = vs.addObject();
      o.put("name", v.name());
      o.put("weight", v.weight());
      long ready = v.endpoints().stream().filter(EndpointSpec::ready).count();
      o.put("endpoints", ready);
      o.put(
          "state",
          v.drainingSince() != null
              ? "draining"
              : v.weight() > 0 && ready > 0 ? "serving" : "dark");
      live(o, fleet.window(h.host(), v.name(), now - LIVE_WINDOW_MILLIS, now), LIVE_WINDOW_MILLIS);
      mirrored(o, h, v.name(), now);
    }
    return n;
  }

  private ObjectNode rollout(Service svc, Map<String, String> a, long now) {
    ObjectNode n = JSON.createObjectNode();
    n.put("service", svc.getMetadata().getNamespace() + "/" + svc.getMetadata().getName());
    try {
      RolloutSpec spec = RolloutSpec.parse(a.get(Annotations.ROLLOUT));
      n.put("host", spec.host());
      n.put("version", spec.version());
      n.putPOJO("steps", spec.steps());
      if (spec.mirror() > 0) {
        n.put("mirror", spec.mirror());
      }
      n.put("interval", Durations.format(spec.interval()));
      ObjectNode limits = n.putObject("limits");
      limits.put("maxErrorRate", spec.maxErrorRate());
      if (spec.maxP99() != null) {
        limits.put("maxP99", spec.maxP99().toNanos() / 1e9);
      }
      limits.put("maxAssetMisses", spec.maxAssetMisses());
      limits.put("minRequests", spec.minRequests());
      String st = a.get(Annotations.ROLLOUT_STATUS);
      if (st != null) {
        var status = JSON.readTree(st);
        n.set("status", status);
        long started = status.path("stepStartedAt").asLong(0);
        String phase = status.path("phase").asText("");
        if (started > 0 && (phase.equals("Progressing") || phase.equals("Paused"))) {
          ObjectNode step = n.putObject("step");
          WindowStats w =
              status.path("mirror").asBoolean(false) // the mirror step judges the copies
                  ? fleet.mirrorWindow(spec.host(), spec.version(), started, now)
                  : fleet.window(spec.host(), spec.version(), started, now);
          live(step, w, now - started);
        }
      }
    } catch (IllegalArgumentException | JsonProcessingException e) {
      n.put("error", e.getMessage());
    }
    return n;
  }

  /**
   * A version mirrored on any route of the host gets its copies' numbers next to its live ones:
   * {@code "mirror"} (the largest percentage) and {@code "mirrored"} (the last 10 s of copies).
   */
  private void mirrored(ObjectNode o, HostSpec h, String version, long now) {
    int mirror = 0;
    for (RouteSpec r : h.routes()) {
      for (VersionSpec v : r.versions()) {
        if (v.name().equals(version)) {
          mirror = Math.max(mirror, v.mirror());
        }
      }
    }
    if (mirror > 0) {
      o.put("mirror", mirror);
      live(
          o.putObject("mirrored"),
          fleet.mirrorWindow(h.host(), version, now - LIVE_WINDOW_MILLIS, now),
          LIVE_WINDOW_MILLIS);
    }
  }

  private static void live(ObjectNode o, WindowStats w, long windowMillis) {
    o.put("requests", w.requests());
    o.put("rps", windowMillis <= 0 ? 0 : Math.round(w.requests() * 10000.0 / windowMillis) / 10.0);
    o.put("errorRate", Math.round(w.errorRatePercent() * 100) / 100.0);
    if (Double.isFinite(w.p99Seconds())) {
      o.put("p99", Math.round(w.p99Seconds() * 1e4) / 1e4);
    } else if (!Double.isNaN(w.p99Seconds())) {
      o.put("p99", "+Inf");
    }
    o.put("assetMisses", w.assetMisses());
    o.put("pinned", Math.round(w.pinnedPercent() * 10) / 10.0);
  }
}
