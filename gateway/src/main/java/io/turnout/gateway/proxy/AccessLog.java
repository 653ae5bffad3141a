package io.turnout.gateway.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the {@code turnout.access} logger, which logback routes through an async
 * appender so the event loop never waits on the disk. Fields are {@code key=value}, in a fixed
 * order, so the log greps and parses alike:
 *
 * <pre>
 * host=shop.example.com version=green why=pin endpoint=10.0.0.7:8080 method=GET path=/app.js
 * status=200 in=0 out=5120 ms=3 id=4bf92f3577b34da6a3ce929d0e0e4736
 * </pre>
 */
final class AccessLog {
  private static final Logger log = LoggerFactory.getLogger("turnout.access");

  private final boolean enabled;

  AccessLog(boolean enabled) {
    this.enabled = enabled && log.isInfoEnabled();
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
    StringBuilder sb = new StringBuilder(200);
    sb.append("host=").append(host);
    sb.append(" version=").append(version);
    sb.append(" why=").append(why);
    sb.append(" endpoint=").append(endpoint == null ? "-" : endpoint);
    sb.append(" method=").append(method);
    sb.append(" path=");
    appendSafe(sb, uri, 512);
    sb.append(" status=").append(status);
    sb.append(" in=").append(bytesIn);
    sb.append(" out=").append(bytesOut);
    sb.append(" ms=").append(durationNanos / 1_000_000);
    sb.append(" id=").append(requestId == null ? "-" : requestId);
    log.info(sb.toString());
  }

  /** Request data is untrusted: no spaces, quotes or control characters reach the log line. */
  private static void appendSafe(StringBuilder sb, String s, int max) {
    if (s == null) {
      sb.append('-');
      return;
    }
    int n = Math.min(s.length(), max);
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      sb.append(c <= ' ' || c == '"' || c >= 127 ? '%' : c);
    }
    if (s.length() > max) {
      sb.append("...");
    }
  }
}
