package io.turnout.gateway.source;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Stream events received but not yet applied. It keeps only what is needed to reach the latest
 * state: a full snapshot drops everything queued before it (it replaces that state whole), and the
 * applier takes every queued event at once, so consecutive deltas fold into one apply.
 *
 * <p>Thread-safe: the connection's event loop adds, the apply thread drains.
 */
final class ApplyQueue {
  /** One event: a full snapshot or a delta, still as JSON (parsed on the apply thread). */
  record Event(boolean full, String data) {}

  private final ArrayDeque<Event> events = new ArrayDeque<>();

  /**
   * Queues {@code e}.
   *
   * @return true when the queue was empty, so the caller must schedule a drain
   */
  synchronized boolean add(Event e) {
    boolean wasEmpty = events.isEmpty();
    if (e.full()) {
      events.clear();
    }
    events.add(e);
    return wasEmpty;
  }

  /** Takes every queued event, oldest first. */
  synchronized List<Event> drain() {
    List<Event> out = new ArrayList<>(events);
    events.clear();
    return out;
  }

  synchronized int size() {
    return events.size();
  }
}
