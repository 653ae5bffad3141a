package io.turnout.controller.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.turnout.gateway.snapshot.EndpointChange;
import io.turnout.gateway.snapshot.HostSpec;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotChecksum;
import io.turnout.gateway.snapshot.SnapshotDelta;
import io.turnout.gateway.snapshot.SnapshotDiff;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the reconciler's snapshots into stream events and hands them to subscribers.
 *
 * <ul>
 *   <li><b>Deltas.</b> Each send is the {@link SnapshotDiff} from the last state sent, with the
 *       {@link SnapshotChecksum} of the new state (kept host by host). The reconciler names the
 *       hosts each snapshot changed, so only those are compared ({@link SnapshotDiff#changes}); a
 *       snapshot published without them is compared whole. Deltas are held (up to {@code
 *       historyEvents} and {@code historyBytes}) so a subscriber resuming with {@code
 *       Last-Event-ID} gets the ones it missed; else it gets a full snapshot.
 *   <li><b>Priorities.</b> A change of anything but endpoints (weight, version, route, host) is
 *       sent at once, carrying any endpoint changes gathered so far. Endpoint-only changes are
 *       coalesced: sent at most once per {@code endpointCoalesce}. So a weight change never waits
 *       behind endpoint churn, and churn costs a few events per second whatever its rate.
 *   <li><b>Encoded once.</b> A delta is encoded once for every subscriber; a full snapshot only
 *       when someone needs it (a full-mode subscriber at each send, or a new or resyncing one).
 * </ul>
 *
 * <p>Threads: everything runs on the single "turnout-stream" thread; {@link #publish}, {@link
 * #attach} and {@link #detach} hand their work to it from any thread. The reconciler thread thus
 * never encodes, and a subscriber is attached between two sends, never during one.
 */
final class SnapshotStream implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStream.class);

  private final long endpointCoalesceNanos;
  private final int historyEvents;
  private final long historyBytes;
  private final ScheduledExecutorService thread;
  private final Counter fullEvents;
  private final Counter deltaEvents;

  // stream thread only
  private final Set<Subscriber> attached = new HashSet<>();
  private int fullModeSubscribers;
  private Snapshot sent;
  private SnapshotChecksum checksum;
  private Map<String, HostSpec> sentHosts = Map.of();
  private Snapshot latest;
  // What changed between `sent` and `latest`: host -> new form (null: gone). When a snapshot came
  // without its changes, `unknownChanges` makes the next send compare the snapshots whole.
  private final Map<String, HostSpec> pending = new HashMap<>();
  private boolean unknownChanges;
  private Published fullOfSent;
  private final ArrayDeque<Published> history = new ArrayDeque<>();
  private long heldBytes;
  private ScheduledFuture<?> endpointFlush;
  private long lastSendNanos;

  SnapshotStream(
      Duration endpointCoalesce, int historyEvents, long historyBytes, MeterRegistry registry) {
    this.endpointCoalesceNanos = endpointCoalesce.toNanos();
    this.historyEvents = historyEvents;
    this.historyBytes = historyBytes;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-stream");
              t.setDaemon(true);
              return t;
            });
    this.fullEvents =
        Counter.builder("turnout.controller.stream.events")
            .description("Stream events encoded (each shared by every subscriber)")
            .tag("kind", "full")
            .register(registry);
    this.deltaEvents =
        Counter.builder("turnout.controller.stream.events")
            .description("Stream events encoded (each shared by every subscriber)")
            .tag("kind", "delta")
            .register(registry);
  }

  /**
   * Takes a new snapshot from the reconciler. Any thread; never blocks.
   *
   * @param changed the hosts that changed since the last snapshot published (name -> new form, null
   *     when gone), or null when not known (the snapshots are then compared whole)
   */
  void publish(Snapshot s, Map<String, HostSpec> changed) {
    run(() -> onSnapshot(s, changed));
  }

  /** Starts sending to {@code s}: held deltas after {@code lastEventId}, else the full state. */
  void attach(Subscriber s, long lastEventId) {
    run(() -> onAttach(s, lastEventId));
  }

  void detach(Subscriber s) {
    run(
        () -> {
          if (attached.remove(s) && !s.deltas()) {
            fullModeSubscribers--;
          }
        });
  }

  private void run(Runnable r) {
    try {
      thread.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              log.error("snapshot stream failed", e);
            }
          });
    } catch (RejectedExecutionException closed) {
      // closing: nothing more to send
    }
  }

  private void onSnapshot(Snapshot next, Map<String, HostSpec> changed) {
    latest = next;
    if (sent == null) {
      sendFirst(next);
      return;
    }
    if (changed == null) {
      unknownChanges = true;
    } else if (!unknownChanges) {
      pending.putAll(changed);
    }
    SnapshotDelta d = sinceSent();
    if (d.isEmpty() && next.version() == sent.version()) {
      return;
    }
    // An empty delta still moves the version (the reconciler publishes only changes, so this is
    // rare): subscribers and their Last-Event-ID stay in step with the controller.
    if (d.isEmpty() || !d.endpointsOnly() || endpointCoalesceNanos == 0) {
      send(d);
      return;
    }
    if (endpointFlush == null) {
      long wait = Math.max(0, lastSendNanos + endpointCoalesceNanos - System.nanoTime());
      endpointFlush = thread.schedule(this::flushEndpoints, wait, TimeUnit.NANOSECONDS);
    }
  }

  private void flushEndpoints() {
    endpointFlush = null;
    if (latest != sent && latest.version() != sent.version()) {
      send(sinceSent());
    }
  }

  /** The delta from the state sent to the latest: only the changed hosts compared, if known. */
  private SnapshotDelta sinceSent() {
    return unknownChanges
        ? SnapshotDiff.between(sent, latest)
        : SnapshotDiff.changes(sent.version(), latest.version(), sentHosts, pending);
  }

  private static Map<String, HostSpec> byName(Snapshot s) {
    Map<String, HostSpec> out = new HashMap<>(s.hosts().size() * 2);
    for (HostSpec h : s.hosts()) {
      out.put(h.host(), h);
    }
    return out;
  }

  private void sendFirst(Snapshot s) {
    sent = s;
    sentHosts = byName(s);
    pending.clear();
    unknownChanges = false;
    checksum = SnapshotChecksum.of(s);
    fullOfSent = Published.full(s);
    fullEvents.increment();
    lastSendNanos = System.nanoTime();
    for (Subscriber sub : attached) {
      sub.offer(fullOfSent);
    }
  }

  private void send(SnapshotDelta d) {
    if (endpointFlush != null) {
      endpointFlush.cancel(false);
      endpointFlush = null;
    }
    for (String name : d.removed()) {
      checksum.remove(name);
    }
    for (HostSpec h : d.hosts()) {
      checksum.put(h);
    }
    if (unknownChanges) {
      sentHosts = byName(latest);
    } else {
      for (Map.Entry<String, HostSpec> e : pending.entrySet()) {
        if (e.getValue() == null) {
          sentHosts.remove(e.getKey());
        } else {
          sentHosts.put(e.getKey(), e.getValue());
        }
      }
    }
    pending.clear();
    unknownChanges = false;
    Set<String> names = new HashSet<>();
    for (EndpointChange c : d.endpoints()) {
      names.add(c.host());
    }
    for (String name : names) {
      checksum.put(sentHosts.get(name));
    }
    Published p = Published.delta(d.withChecksum(checksum.value()));
    deltaEvents.increment();
    hold(p);
    sent = latest;
    lastSendNanos = System.nanoTime();
    fullOfSent = fullModeSubscribers > 0 ? encodeFull() : null;
    for (Subscriber sub : attached) {
      sub.offer(sub.deltas() ? p : fullOfSent);
    }
  }

  private Published encodeFull() {
    fullEvents.increment();
    return Published.full(sent);
  }

  private void hold(Published p) {
    history.addLast(p);
    heldBytes += p.size();
    while (history.size() > historyEvents || heldBytes > historyBytes) {
      heldBytes -= history.removeFirst().size();
    }
  }

  private void onAttach(Subscriber s, long lastEventId) {
    if (attached.add(s) && !s.deltas()) {
      fullModeSubscribers++;
    }
    if (sent == null) {
      return; // the first snapshot goes to everyone attached
    }
    if (lastEventId == sent.version()) {
      s.alreadyHas(lastEventId); // a resumed stream that missed nothing
      return;
    }
    if (s.deltas()) {
      List<Published> missed = heldSince(lastEventId);
      if (missed != null) {
        s.alreadyHas(lastEventId);
        missed.forEach(s::offer);
        return;
      }
    }
    if (fullOfSent == null) {
      fullOfSent = encodeFull();
    }
    s.offer(fullOfSent);
  }

  /** The held deltas from {@code version} to the state sent, or null when not all are held. */
  private List<Published> heldSince(long version) {
    List<Published> out = null;
    for (Published p : history) {
      if (out == null && p.base() == version) {
        out = new ArrayList<>();
      }
      if (out != null) {
        out.add(p);
      }
    }
    return out;
  }

  /** For tests: runs {@code r} on the stream thread after everything handed to it so far. */
  void sync(Runnable r) {
    run(r);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
