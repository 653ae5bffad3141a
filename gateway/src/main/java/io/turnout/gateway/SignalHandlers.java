package io.turnout.gateway;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs a graceful stop on SIGTERM (Kubernetes) and SIGINT (Ctrl-C), on a thread of its own, so the
 * process can finish draining and exit 0 instead of the JVM's default 143. A second signal while
 * stopping is ignored; the orchestrator's SIGKILL is the hard stop.
 */
final class SignalHandlers {
  private static final Logger log = LoggerFactory.getLogger(SignalHandlers.class);

  private SignalHandlers() {}

  static void onTermination(Runnable stop) {
    AtomicBoolean started = new AtomicBoolean();
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(
            new Signal(name),
            sig -> {
              if (started.compareAndSet(false, true)) {
                log.info("received SIG{}: stopping gracefully", name);
                Thread t = new Thread(stop, "turnout-shutdown");
                t.start();
              }
            });
      } catch (IllegalArgumentException e) {
        // Signal not available on this platform: fall back to a shutdown hook.
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "turnout-shutdown-hook"));
      }
    }
  }
}
