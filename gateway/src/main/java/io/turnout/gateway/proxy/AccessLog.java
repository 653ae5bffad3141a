package io.turnout.gateway.proxy;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.turnout.gateway.log.AccessLogAppender;
import io.turnout.gateway.log.ByteLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the {@code turnout.access} logger. Fields are {@code key=value}, in a
 * fixed order, so the log greps and parses alike:
 *
 * <pre>
 * host=shop.example.com version=green why=pin endpoint=10.0.0.7:8080 method=GET path=/app.js
 * status=200 in=0 out=5120 ms=3 id=4bf92f3577b34da6a3ce929d0e0e4736
 * </pre>
 *
 * <p>As the gateway sets up logging ({@code GatewayLogging}), the logger's only appender is an
 * {@link AccessLogAppender}: the line is then formatted as bytes into the event loop's reusable
 * buffer, timestamp first, and handed to the appender's batching writer without a logging event or
 * a string (no allocation per request). A line the writer cannot take in time is dropped and
 * counted in {@code turnout_access_log_dropped_total}. Any other logback configuration gets an
 * ordinary {@code info} event with the same message.
 *
 * <p>Stateless apart from configuration; called from the event loops.
 */
final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("turnout.access");

  private final boolean enabled;
  private final AccessLogAppender direct;

  AccessLog(boolean enabled, MeterRegistry registry) {
    this.enabled = enabled && log.isInfoEnabled();
    this.direct = this.enabled ? AccessLogAppender.soleAppenderOf(log) : null;
    FunctionCounter.builder(
            "turnout.access.log.dropped", this, a -> a.direct == null ? 0 : a.direct.dropped())
        .description("Access log lines dropped because the log writer was behind")
        .register(registry);
  }

  void log(
      String host,
      String version,
      String why,
      Object endpoint,
      String method,
      String uri,
      int status,
      long bytesIn,
      long bytesOut,
      long durationNanos,
      String requestId) {
    if (!enabled) {
      return;
    }
    ByteLine line = ByteLine.forThisThread();
    if (direct != null) {
      line.timestamp(System.currentTimeMillis()).ascii(' ');
    }
    int message = line.length();
    line.ascii("host=").text(host);
    line.ascii(" version=").text(version);
    line.ascii(" why=").text(why);
    line.ascii(" endpoint=").text(endpoint == null ? "-" : endpoint.toString());
    line.ascii(" method=").text(method);
    line.ascii(" path=").safe(uri, 512);
    line.ascii(" status=").number(status);
    line.ascii(" in=").number(bytesIn);
    line.ascii(" out=").number(bytesOut);
    line.ascii(" ms=").number(durationNanos / 1_000_000);
    line.ascii(" id=").text(requestId == null ? "-" : requestId);
    if (direct != null) {
      direct.write(line.ascii('\n'));
    } else {
      log.info(line.toString(message));
    }
  }
}
