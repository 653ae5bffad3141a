package io.turnout.gateway.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The access log's appender (set up by {@link GatewayLogging}): lines on stdout, {@code <timestamp>
 * <message>}, batched by a {@link LineBatcher} so an event loop never waits on the terminal or the
 * disk, and a line is dropped and counted rather than queued when the writer is behind.
 *
 * <p>The gateway's access log bypasses logback when this appender is the only one of its logger
 * ({@link #soleAppenderOf}): it formats its line as bytes straight into {@link #write}. Any other
 * configuration (a file appender, a test's list appender) gets ordinary logging events. Events that
 * do come through logback are written here the same way.
 *
 * <p>Thread-safe: {@link #write} is called from the event loops; start and stop from logback.
 */
public final class AccessLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private int bufferSize = 64 * 1024;
  private int flushIntervalMillis = 100;
  private OutputStream out;
  private volatile LineBatcher batcher;
  private Thread shutdownHook;

  /** Bytes per producer thread's buffer (there are two per thread). Logback property. */
  public void setBufferSize(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  /** Longest a line waits before it is written. Logback property. */
  public void setFlushIntervalMillis(int flushIntervalMillis) {
    this.flushIntervalMillis = flushIntervalMillis;
  }

  /** Where lines go instead of stdout (tests and benchmarks); before {@link #start()}. */
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void start() {
    if (bufferSize < 1024 || flushIntervalMillis < 1) {
      addError("bufferSize must be >= 1024 and flushIntervalMillis >= 1");
      return;
    }
    OutputStream target = out != null ? out : System.out;
    LineBatcher b =
        new LineBatcher(
            target, bufferSize, flushIntervalMillis, TimeUnit.MILLISECONDS, "turnout-access-log");
    batcher = b;
    // The last lines before a SIGTERM exit are written, not lost in the buffers.
    shutdownHook = new Thread(b::flush, "turnout-access-log-flush");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    super.start();
  }

  @Override
  public void stop() {
    super.stop();
    LineBatcher b = batcher;
    if (b != null) {
      b.close();
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs anyway
      }
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    ByteLine line = ByteLine.forThisThread();
    line.timestamp(event.getTimeStamp()).ascii(' ').text(event.getFormattedMessage()).ascii('\n');
    write(line);
  }

  /** Queues a whole line (timestamp, message and newline already in it). */
  public void write(ByteLine line) {
    LineBatcher b = batcher;
    if (b != null) {
      b.write(line.array(), 0, line.length());
    }
  }

  /** Lines dropped because the writer was behind. */
  public long dropped() {
    LineBatcher b = batcher;
    return b == null ? 0 : b.dropped();
  }

  /**
   * This appender when it is the started, only appender of {@code logger} (a logback logger that
   * does not pass events on to its parents), else null.
   */
  public static AccessLogAppender soleAppenderOf(org.slf4j.Logger logger) {
    if (!(logger instanceof ch.qos.logback.classic.Logger l) || l.isAdditive()) {
      return null;
    }
    Iterator<Appender<ILoggingEvent>> it = l.iteratorForAppenders();
    if (!it.hasNext()) {
      return null;
    }
    Appender<ILoggingEvent> first = it.next();
    return !it.hasNext() && first instanceof AccessLogAppender a && a.isStarted() ? a : null;
  }
}
