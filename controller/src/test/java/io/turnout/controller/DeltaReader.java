package io.turnout.controller;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotDelta;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.snapshot.StreamState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A raw subscriber of {@code /v1/snapshots?delta=1} that applies what it reads with the gateway's
 * own {@link StreamState}, reconnecting with {@code Last-Event-ID} as a gateway does (and without,
 * after a delta that does not apply). Stands in for the other replicas of a fleet, in tests and in
 * the fleet convergence benchmark.
 *
 * <p>Threads: one reader thread owns the state; the getters synchronize with it.
 */
public final class DeltaReader implements AutoCloseable {
  private final int port;
  private final String token;
  private final Thread thread;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private volatile boolean closed;
  private volatile Stream<String> stream;
  private StreamState state;
  private long lastEventId = -1;
  private boolean wantFull;

  /** Full snapshots read (the first, and one after each delta that did not apply). */
  public final AtomicInteger fulls = new AtomicInteger();

  /** Deltas applied. */
  public final AtomicInteger deltas = new AtomicInteger();

  /** Deltas that did not apply (the reader then reconnects for a full snapshot). */
  public final AtomicInteger failedDeltas = new AtomicInteger();

  /** Reconnections that resumed from {@code Last-Event-ID} with a delta, not a full snapshot. */
  public final AtomicInteger resumedWithDeltas = new AtomicInteger();

  public DeltaReader(int port, String token) {
    this.port = port;
    this.token = token;
    this.thread = new Thread(this::run, "delta-reader");
    thread.setDaemon(true);
    thread.start();
  }

  /** The checksum of the state held, or null before the first snapshot. */
  public synchronized String checksum() {
    return state == null ? null : state.checksum();
  }

  public synchronized Snapshot snapshot() {
    return state == null ? null : state.snapshot();
  }

  /** Drops the connection; the reader reconnects and resumes. */
  public void disconnect() {
    Stream<String> s = stream;
    if (s != null) {
      s.close();
    }
  }

  private void run() {
    while (!closed) {
      try {
        readOnce();
      } catch (Exception e) {
        // dropped, refused or the controller restarting: try again shortly
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void readOnce() throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/snapshots?delta=1"));
    boolean resuming;
    synchronized (this) {
      resuming = lastEventId >= 0 && !wantFull;
      if (resuming) {
        req.header("Last-Event-ID", Long.toString(lastEventId));
      }
      wantFull = false;
    }
    if (token != null) {
      req.header("Authorization", "Bearer " + token);
    }
    HttpResponse<Stream<String>> res = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
    if (res.statusCode() != 200) {
      res.body().close();
      return;
    }
    stream = res.body();
    try (Stream<String> body = res.body()) {
      read(body, resuming);
    }
  }

  private void read(Stream<String> body, boolean resuming) throws ConfigException {
    String event = null;
    StringBuilder data = new StringBuilder();
    boolean first = true;
    for (Iterator<String> it = body.iterator(); it.hasNext() && !closed; ) {
      String line = it.next();
      if (line.isEmpty()) {
        if (event != null) {
          boolean ok = apply(event, data.toString());
          if (first && resuming && event.equals("delta") && ok) {
            resumedWithDeltas.incrementAndGet();
          }
          first = false;
          if (!ok) {
            return; // reconnect for a full snapshot
          }
        }
        event = null;
        data.setLength(0);
      } else if (line.startsWith("event: ")) {
        event = line.substring(7);
      } else if (line.startsWith("data: ")) {
        data.append(line, 6, line.length());
      }
    }
  }

  private synchronized boolean apply(String event, String json) throws ConfigException {
    if (event.equals("snapshot")) {
      state = StreamState.of(SnapshotJson.read(SnapshotJson.json(), json, Snapshot.class));
      lastEventId = state.version();
      fulls.incrementAndGet();
      return true;
    }
    if (!event.equals("delta") || state == null) {
      return true;
    }
    try {
      state.apply(
          SnapshotJson.read(SnapshotJson.json(), json, SnapshotDelta.class), new HashMap<>());
      lastEventId = state.version();
      deltas.incrementAndGet();
      return true;
    } catch (StreamState.DeltaException e) {
      failedDeltas.incrementAndGet();
      state = null;
      wantFull = true;
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    disconnect();
    thread.interrupt();
  }
}
