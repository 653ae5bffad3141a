package io.turnout.gateway.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogAppenderTest {
  /** The pattern of the console appender the access log had before it had its own appender. */
  private static String logbackTimestamp(long millis, ZoneId zone) {
    TimeZone before = TimeZone.getDefault();
    TimeZone.setDefault(TimeZone.getTimeZone(zone));
    try {
      LoggerContext ctx = new LoggerContext();
      PatternLayout layout = new PatternLayout();
      layout.setContext(ctx);
      layout.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}");
      layout.start();
      LoggingEvent e = new LoggingEvent();
      e.setTimeStamp(millis);
      e.setMessage("");
      e.setLevel(Level.INFO);
      return layout.doLayout(e);
    } finally {
      TimeZone.setDefault(before);
    }
  }

  @Test
  void timestampsAreTheTextLogbacksPatternWrote() {
    long[] instants = {
      0L, 1_796_000_000_007L, 1_796_000_000_999L, 1_796_000_001_050L, 1_711_846_799_500L // DST
    };
    for (String zone : new String[] {"UTC", "Europe/Paris", "Asia/Kolkata", "America/St_Johns"}) {
      ZoneId z = ZoneId.of(zone);
      LogTimestamp ts = new LogTimestamp(z);
      for (long t : instants) {
        ByteLine line = new ByteLine();
        ts.appendTo(line, t);
        assertEquals(logbackTimestamp(t, z), line.toString(), zone + " " + t);
      }
    }
  }

  @Test
  void safeTextKeepsALineSplittableOnSpaces() {
    ByteLine line = new ByteLine().safe("/a b\"c\u00e9\td", 512).ascii(' ').safe(null, 5);
    assertEquals("/a%b%c%%d -", line.toString());
    assertEquals("abc...", new ByteLine().safe("abcdef", 3).toString());
    assertEquals(
        "-12 0 9223372036854775807 ü",
        new ByteLine()
            .number(-12)
            .ascii(' ')
            .number(0)
            .ascii(' ')
            .number(Long.MAX_VALUE)
            .ascii(' ')
            .text("ü")
            .toString());
  }

  @Test
  void theFastPathIsTakenOnlyWhenThisAppenderIsTheLoggersOnlyOne() {
    Logger logger = (Logger) LoggerFactory.getLogger("turnout.access.appender-test");
    logger.setAdditive(false);
    AccessLogAppender appender = new AccessLogAppender();
    appender.setContext(logger.getLoggerContext());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    appender.setOutputStream(out);
    appender.start();
    ListAppender<ILoggingEvent> list = new ListAppender<>();
    list.start();
    try {
      logger.addAppender(appender);
      assertSame(appender, AccessLogAppender.soleAppenderOf(logger));
      logger.addAppender(list);
      assertNull(AccessLogAppender.soleAppenderOf(logger));
      logger.detachAppender(list);
      logger.setAdditive(true);
      assertNull(AccessLogAppender.soleAppenderOf(logger));
    } finally {
      logger.detachAppender(appender);
      appender.stop();
    }
  }

  @Test
  void eventsThatComeThroughLogbackAreWrittenWithTheSameTimestamp() {
    Logger logger = (Logger) LoggerFactory.getLogger("turnout.access.event-test");
    AccessLogAppender appender = new AccessLogAppender();
    appender.setContext(logger.getLoggerContext());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    appender.setOutputStream(out);
    appender.start();
    LoggingEvent e = new LoggingEvent();
    e.setTimeStamp(1_796_000_000_123L);
    e.setMessage("host=a {}");
    e.setArgumentArray(new Object[] {"b"});
    e.setLevel(Level.INFO);
    appender.doAppend(e);
    appender.stop();
    assertEquals(
        logbackTimestamp(1_796_000_000_123L, ZoneId.systemDefault()) + " host=a b\n",
        out.toString(StandardCharsets.UTF_8));
  }
}
