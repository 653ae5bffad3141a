package io.turnout.gateway.proxy;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.turnout.bench.jmh.JmhBase;
import io.turnout.gateway.log.AccessLogAppender;
import java.io.OutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.LoggerFactory;

/**
 * One access log line, as the event loop pays for it, with the two appenders the gateway has
 * shipped: {@code batched} (the gateway's {@link AccessLogAppender}: bytes into a per-thread
 * buffer) and {@code logbackAsync} (logback's AsyncAppender in front of a pattern encoder that
 * writes and flushes each line, the configuration before it). Output goes to a null stream, so the
 * time is the gateway's, not the disk's. Run with {@code -prof gc}: the allocation per line counts
 * every thread, the writer's included.
 */
@State(Scope.Benchmark)
public class AccessLogBenchmark extends JmhBase {
  @Param({"batched", "logbackAsync"})
  public String appender;

  private AccessLog log;
  private final Object endpoint = "10.0.0.7:8080";
  private Logger logger;

  @Setup(org.openjdk.jmh.annotations.Level.Trial)
  public void setup() {
    logger = (Logger) LoggerFactory.getLogger("turnout.access");
    LoggerContext ctx = logger.getLoggerContext();
    logger.detachAndStopAllAppenders();
    logger.setAdditive(false);
    logger.setLevel(ch.qos.logback.classic.Level.INFO);
    if (appender.equals("batched")) {
      AccessLogAppender a = new AccessLogAppender();
      a.setContext(ctx);
      a.setOutputStream(OutputStream.nullOutputStream());
      // A loop that does nothing else outruns any writer: big buffers and a short interval keep
      // drops (which are cheaper than lines) out of the measurement.
      a.setBufferSize(4 << 20);
      a.setFlushIntervalMillis(1);
      a.start();
      logger.addAppender(a);
    } else {
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(ctx);
      encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %msg%n");
      encoder.start();
      OutputStreamAppender<ILoggingEvent> out = new OutputStreamAppender<>();
      out.setContext(ctx);
      out.setEncoder(encoder);
      out.setOutputStream(OutputStream.nullOutputStream());
      out.start();
      AsyncAppender async = new AsyncAppender();
      async.setContext(ctx);
      async.setQueueSize(8192);
      async.setDiscardingThreshold(0);
      async.setNeverBlock(true);
      async.addAppender(out);
      async.start();
      logger.addAppender(async);
    }
    log = new AccessLog(true, new SimpleMeterRegistry());
  }

  @TearDown(org.openjdk.jmh.annotations.Level.Trial)
  public void tearDown() {
    logger.detachAndStopAllAppenders();
  }

  @Benchmark
  public void line() {
    log.log(
        "shop.example.com",
        "green",
        "pin",
        endpoint,
        "GET",
        "/assets/app.3f9a1c.js?v=2",
        200,
        0,
        5120,
        3_141_592,
        "4bf92f3577b34da6a3ce929d0e0e4736");
  }
}
