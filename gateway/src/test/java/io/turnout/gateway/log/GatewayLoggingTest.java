package io.turnout.gateway.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

class GatewayLoggingTest {
  /** Sees no resources at all: the shipped jar's class path has no logback XML. */
  private static final ClassLoader NO_XML = new ClassLoader(null) {};

  @Test
  void setsUpTheAccessLogAndTheApplicationLogInCode() {
    LoggerContext ctx = new LoggerContext();
    try {
      GatewayLogging.apply(ctx, null, null);
      Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
      assertEquals(Level.INFO, root.getLevel());
      ConsoleAppender<?> stderr = (ConsoleAppender<?>) root.getAppender("STDERR");
      assertNotNull(stderr);
      assertTrue(stderr.isStarted());
      assertEquals("System.err", stderr.getTarget());
      assertEquals(Level.WARN, ctx.getLogger("io.netty").getLevel());

      Logger access = ctx.getLogger("turnout.access");
      assertEquals(Level.INFO, access.getLevel());
      assertFalse(access.isAdditive(), "access lines stay out of the application log");
      // The access log's fast path needs its appender to be the logger's only one.
      assertSame(access.getAppender("ACCESS"), AccessLogAppender.soleAppenderOf(access));
    } finally {
      ctx.stop();
    }
  }

  @Test
  void levelsComeFromTheSystemPropertiesAndABadOneFallsBackToInfo() {
    LoggerContext ctx = new LoggerContext();
    try {
      GatewayLogging.apply(ctx, "debug", "OFF");
      assertEquals(Level.DEBUG, ctx.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
      assertFalse(ctx.getLogger("turnout.access").isInfoEnabled());
    } finally {
      ctx.stop();
    }
    LoggerContext bad = new LoggerContext();
    try {
      GatewayLogging.apply(bad, "loud", null);
      assertEquals(Level.INFO, bad.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
    } finally {
      bad.stop();
    }
  }

  @Test
  void stepsAsideForAConfigurationFile() {
    assertFalse(GatewayLogging.configurationFileGiven(null, NO_XML));
    assertTrue(GatewayLogging.configurationFileGiven("/etc/turnout/logback.xml", NO_XML));
    // The tests' logback-test.xml is on this class path.
    assertTrue(GatewayLogging.configurationFileGiven(null, getClass().getClassLoader()));
  }

  @Test
  void stepsAsideInsideLogbacksOwnStartUpWhenTheTestsFileIsOnTheClassPath() {
    LoggerContext ctx = new LoggerContext();
    GatewayLogging g = new GatewayLogging();
    g.setContext(ctx);
    try {
      // Under the tests a logback-test.xml is on the class path: logback reads it, as asked.
      assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, g.configure(ctx));
      assertNull(ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
    } finally {
      ctx.stop();
    }
  }
}
