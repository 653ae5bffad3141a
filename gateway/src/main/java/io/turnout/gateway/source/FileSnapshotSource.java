package io.turnout.gateway.source;

import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.config.ConfigFile;
import io.turnout.gateway.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config file as a snapshot source: read at start, then checked every 200 ms and re-applied
 * when its content changed. Polling the content (not inotify) also sees edits made through symlink
 * swaps, which is how Kubernetes updates a mounted ConfigMap, and editors that replace the file. An
 * invalid edit is reported, counted and ignored; the last good config keeps serving.
 *
 * <p>Runs on its own single daemon thread.
 */
public final class FileSnapshotSource implements SnapshotSource {
  private static final Logger log = LoggerFactory.getLogger(FileSnapshotSource.class);
  private static final long POLL_MILLIS = 200;

  private final Path file;
  private final Consumer<GatewayConfig> settingsListener;
  private final boolean routesFromFile;
  private final AtomicLong version = new AtomicLong();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "turnout-config-watch");
            t.setDaemon(true);
            return t;
          });
  private String lastText;
  private boolean warnedUnreadable;

  /**
   * @param settingsListener receives each valid config (for the settings outside the snapshot)
   * @param routesFromFile false when routes come from a controller: the file's hosts are ignored
   */
  public FileSnapshotSource(
      Path file, Consumer<GatewayConfig> settingsListener, boolean routesFromFile) {
    this.file = file;
    this.settingsListener = settingsListener;
    this.routesFromFile = routesFromFile;
  }

  /** Reads and validates the file once, for start-up: the caller fails fast on a bad file. */
  public GatewayConfig loadInitial() throws ConfigException {
    GatewayConfig config = ConfigFile.load(file);
    try {
      lastText = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      lastText = null;
    }
    return config;
  }

  @Override
  public void start(SnapshotSink sink) {
    // Seed from the current content so a snapshot is applied at once, then poll.
    String text = read();
    if (text != null) {
      apply(text, sink);
    }
    thread.scheduleWithFixedDelay(
        () -> poll(sink), POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
  }

  private void poll(SnapshotSink sink) {
    try {
      String text = read();
      if (text != null && !text.equals(lastText)) {
        apply(text, sink);
      }
    } catch (Throwable e) { // NOPMD: a scheduled task that throws is never run again
      // Anything escaping here would cancel the schedule silently and freeze the config.
      log.error("config watch of {} failed; will retry", file, e);
    }
  }

  private void apply(String text, SnapshotSink sink) {
    lastText = text;
    String origin = "file " + file;
    GatewayConfig config;
    try {
      config = ConfigFile.parse(text);
    } catch (ConfigException e) {
      sink.reject(origin, String.join("; ", e.problems()));
      return;
    }
    settingsListener.accept(config);
    if (routesFromFile) {
      sink.offer(ConfigFile.snapshotOf(config, version.incrementAndGet()), origin);
    }
  }

  private String read() {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      warnedUnreadable = false;
      return text;
    } catch (IOException e) {
      if (!warnedUnreadable) {
        warnedUnreadable = true;
        log.warn("cannot read config {}: {}; keeping the last good config", file, e.toString());
      }
      return null;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
