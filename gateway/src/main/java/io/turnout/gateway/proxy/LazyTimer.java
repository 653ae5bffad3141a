package io.turnout.gateway.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One scheduled task standing for deadlines that move all the time, as in {@link
 * ClientTimeoutHandler}: the owner keeps its deadlines in plain fields (a byte arriving only stores
 * a timestamp) and calls {@link #runBy} when a deadline may have come closer. The task, when it
 * runs, calls the owner's check, which either acts on a deadline that passed or asks to run again
 * by the nearest one still ahead. A busy connection thus touches the scheduler about once per
 * timeout period, not once per chunk: with a 60 s read timeout and a chunk every millisecond, one
 * task runs at t=60 s, sees the last byte at t=59.999 s, and re-arms for t=119.999 s.
 *
 * <p>Confined to the event loop it schedules on.
 */
final class LazyTimer {
  private final EventExecutor executor;
  private final Runnable check;
  private ScheduledFuture<?> task;
  private long dueNanos; // when the armed task runs; meaningful while task != null

  LazyTimer(EventExecutor executor, Runnable check) {
    this.executor = executor;
    this.check = check;
  }

  /** The executor's clock, which the deadlines are measured on. */
  long now() {
    return executor.ticker().nanoTime();
  }

  /** Makes sure the check runs no later than {@code deadlineNanos} (on {@link #now}'s clock). */
  void runBy(long deadlineNanos) {
    if (task != null) {
      if (dueNanos - deadlineNanos <= 0) {
        return; // the armed task runs first and re-arms for whatever is left
      }
      task.cancel(false); // rare: a sooner deadline than the armed one
    }
    long delay = Math.max(0, deadlineNanos - now());
    dueNanos = deadlineNanos;
    task = executor.schedule(this::run, delay, TimeUnit.NANOSECONDS);
  }

  boolean isArmed() {
    return task != null;
  }

  void cancel() {
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void run() {
    task = null;
    check.run();
  }
}
