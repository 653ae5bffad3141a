package io.turnout.controller;

import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.source.SnapshotSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A gateway stand-in: keeps every snapshot offered, accepts each (they are validated upstream). */
public final class RecordingSink implements SnapshotSink {
  public final List<Snapshot> applied = new CopyOnWriteArrayList<>();
  public final List<String> rejected = new CopyOnWriteArrayList<>();

  @Override
  public boolean offer(Snapshot snapshot, String origin) {
    applied.add(snapshot);
    return true;
  }

  @Override
  public void reject(String origin, String reason) {
    rejected.add(reason);
  }

  public Snapshot last() {
    return applied.isEmpty() ? null : applied.get(applied.size() - 1);
  }

  /** The weight of {@code version} on the first route of the first host of the last snapshot. */
  public int weightOf(String version) {
    Snapshot s = last();
    if (s == null || s.hosts().isEmpty()) {
      return -1;
    }
    return s.hosts().get(0).routes().get(0).versions().stream()
        .filter(v -> v.name().equals(version))
        .mapToInt(v -> v.weight())
        .findFirst()
        .orElse(-1);
  }
}
