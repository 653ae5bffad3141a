package io.turnout.gateway.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A logback appender that keeps every report of Netty's leak detector. Tests run with the detector
 * at PARANOID (see the surefire argLine), and {@link LeakCheckExtension} fails a test class whose
 * run produced a report.
 */
public final class LeakCapture extends AppenderBase<ILoggingEvent> {
  private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message != null && message.contains("LEAK:")) {
      REPORTS.add(message);
    }
  }

  /** Returns and forgets the reports seen so far. */
  public static List<String> drain() {
    List<String> copy = List.copyOf(REPORTS);
    REPORTS.clear();
    return copy;
  }
}
