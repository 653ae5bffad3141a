package io.turnout.gateway.log;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes preformatted log lines in batches: each producer thread appends whole lines to its own
 * buffer, and one writer thread takes the filled buffers and writes each with one {@code write}
 * call. A producer never waits on the output: when its buffer is full because the writer is behind,
 * the line is dropped and counted ({@link #dropped()}).
 *
 * <p>Why not logback's AsyncAppender: it allocates an event per line, passes it through a locked
 * queue, and its console appender formats and writes (one system call) per line. On a small GET
 * that cost 40% more CPU per request; here a line costs one copy into a per-thread array.
 *
 * <p>Threads: any number of producers (the event loops), each owning one {@link ThreadBuffer}; the
 * buffer's lock is only ever contended by the writer thread's swap. The writer thread ({@code
 * name}, a daemon) owns the output stream; it wakes every flush interval, or at once when a buffer
 * is half full.
 */
public final class LineBatcher implements AutoCloseable {
  private final OutputStream out;
  private final int bufferBytes;
  private final long flushIntervalNanos;
  private final List<ThreadBuffer> buffers = new CopyOnWriteArrayList<>();
  private final ThreadLocal<ThreadBuffer> local = ThreadLocal.withInitial(this::register);
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private volatile boolean closed;

  /**
   * @param bufferBytes per producer thread (two of them: one filling, one being written)
   * @param flushInterval longest a line waits before it is written
   */
  public LineBatcher(
      OutputStream out, int bufferBytes, long flushInterval, TimeUnit unit, String name) {
    this.out = out;
    this.bufferBytes = bufferBytes;
    this.flushIntervalNanos = unit.toNanos(flushInterval);
    this.writer = new Thread(this::run, name);
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Queues one line (its bytes, newline included) from the calling thread, or drops and counts it
   * when the thread's buffer is full. Never blocks on the output.
   */
  public void write(byte[] line, int offset, int length) {
    if (!local.get().append(line, offset, length)) {
      // The writer was woken when this buffer passed half; waking it per dropped line would
      // only add a system call to every request while it is behind.
      dropped.increment();
    }
  }

  /** Lines dropped because the writer was behind (or a line was longer than a buffer). */
  public long dropped() {
    return dropped.sum();
  }

  /** Writes every queued line now, on the calling thread. */
  public void flush() {
    drainOnce();
  }

  /** Writes what is queued and stops the writer thread. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drainOnce();
  }

  private ThreadBuffer register() {
    ThreadBuffer b = new ThreadBuffer(Thread.currentThread(), bufferBytes, writer);
    buffers.add(b);
    return b;
  }

  private void run() {
    while (!closed) {
      LockSupport.parkNanos(this, flushIntervalNanos);
      drainOnce();
    }
  }

  /** Synchronized: the writer thread and a flush from a shutdown hook may drain at once. */
  private synchronized void drainOnce() {
    for (ThreadBuffer b : buffers) {
      int n = b.take();
      if (n > 0) {
        try {
          out.write(b.taken(), 0, n);
        } catch (IOException | RuntimeException e) {
          // Nowhere to report a broken stdout; the lines are lost, like a full buffer's.
          dropped.add(countLines(b.taken(), n));
        }
      } else if (!b.owner.isAlive()) {
        buffers.remove(b);
      }
    }
    try {
      out.flush();
    } catch (IOException e) {
      // as above
    }
  }

  private static long countLines(byte[] bytes, int n) {
    long lines = 0;
    for (int i = 0; i < n; i++) {
      if (bytes[i] == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /**
   * One producer thread's double buffer: it appends to {@code active}; the writer swaps {@code
   * active} and {@code spare} under the lock and writes the old {@code active} outside it. The next
   * swap is the writer's own, after that write, so the two never touch the same array at once.
   */
  private static final class ThreadBuffer {
    final Thread owner;
    private final Thread writer;
    private final int half;
    private byte[] active;
    private byte[] spare;
    private int length;
    private byte[] taken;

    ThreadBuffer(Thread owner, int bytes, Thread writer) {
      this.owner = owner;
      this.writer = writer;
      this.half = bytes / 2;
      this.active = new byte[bytes];
      this.spare = new byte[bytes];
    }

    synchronized boolean append(byte[] line, int offset, int n) {
      if (length + n > active.length) {
        return false;
      }
      System.arraycopy(line, offset, active, length, n);
      int before = length;
      length += n;
      if (before < half && length >= half) {
        LockSupport.unpark(writer);
      }
      return true;
    }

    /** Swaps the buffers; returns how many bytes {@link #taken()} holds. Writer thread only. */
    synchronized int take() {
      int n = length;
      if (n == 0) {
        return 0;
      }
      taken = active;
      active = spare;
      spare = taken;
      length = 0;
      return n;
    }

    byte[] taken() {
      return taken;
    }
  }
}
