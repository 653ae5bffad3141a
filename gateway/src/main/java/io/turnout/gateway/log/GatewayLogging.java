package io.turnout.gateway.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The gateway's logging, set up in code: logback finds this class as a service and runs it before
 * it looks for an XML file.
 *
 * <ul>
 *   <li>Application logs: plain lines on stderr, {@code HH:mm:ss.SSS LEVEL [thread] logger -
 *       message}, at {@code -Dturnout.log.level} (INFO); Netty's own loggers at WARN.
 *   <li>Access log: the {@code turnout.access} logger, at {@code -Dturnout.access.level} (INFO; OFF
 *       turns it off), to an {@link AccessLogAppender} only: one line per request on stdout,
 *       written in batches by one background thread.
 * </ul>
 *
 * <p>Why code and not a {@code logback.xml}: reading XML loads logback's Joran configurator, its
 * model and the JDK's XML parser, kept for the life of the process: 4,524 classes loaded at
 * start-up with it, 4,059 without (about 4 MiB of resident memory).
 *
 * <p>Logback's own configuration still wins when one is given: {@code -Dlogback.configurationFile},
 * or a {@code logback-test.xml} or {@code logback.xml} on the class path (the tests' one among
 * them). This configurator then steps aside and logback reads the file as usual.
 */
public final class GatewayLogging extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{24} - %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext ctx) {
    if (configurationFileGiven(
        System.getProperty("logback.configurationFile"), getClass().getClassLoader())) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    apply(ctx, System.getProperty("turnout.log.level"), System.getProperty("turnout.access.level"));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Whether logback should read a configuration file instead of this class setting it up. */
  static boolean configurationFileGiven(String configFileProperty, ClassLoader loader) {
    return configFileProperty != null
        || loader.getResource("logback-test.xml") != null
        || loader.getResource("logback.xml") != null;
  }

  /**
   * Sets up {@code ctx}'s appenders and levels.
   *
   * @param logLevel the application log's level, INFO when null
   * @param accessLevel the access log's level, INFO when null
   */
  static void apply(LoggerContext ctx, String logLevel, String accessLevel) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(PATTERN);
    encoder.start();
    ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
    stderr.setContext(ctx);
    stderr.setName("STDERR");
    stderr.setTarget("System.err");
    stderr.setEncoder(encoder);
    stderr.start();

    AccessLogAppender access = new AccessLogAppender();
    access.setContext(ctx);
    access.setName("ACCESS");
    access.start(); // its own defaults: 64 KiB buffers, written at least every 100 ms

    Logger accessLogger = ctx.getLogger("turnout.access");
    accessLogger.setLevel(level(accessLevel, "turnout.access.level"));
    accessLogger.setAdditive(false);
    accessLogger.addAppender(access);
    ctx.getLogger("io.netty").setLevel(Level.WARN);
    Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(level(logLevel, "turnout.log.level"));
    root.addAppender(stderr);
  }

  private static Level level(String value, String property) {
    if (value == null) {
      return Level.INFO;
    }
    Level l = Level.toLevel(value, null);
    if (l == null) {
      // Logging is not up yet, and a gateway should not refuse to start over its log level.
      System.err.println(
          "-D"
              + property
              + "="
              + value
              + " is not a log level (OFF, ERROR, WARN, INFO, DEBUG, TRACE, ALL): using INFO");
      return Level.INFO;
    }
    return l;
  }
}
