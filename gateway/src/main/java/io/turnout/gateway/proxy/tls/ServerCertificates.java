package io.turnout.gateway.proxy.tls;

import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.turnout.gateway.config.TlsSettings;
import io.turnout.gateway.proxy.TlsContexts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS listener's certificates: a default one ({@code tls.certFile}/{@code tls.keyFile}) and
 * more chosen by the SNI name a client sends ({@code tls.certificates}, wildcards such as {@code
 * *.example.com} allowed), as a {@link Mapping} that {@link SniHandler} consults on each handshake.
 *
 * <p>Reload without restart: a thread of its own ({@code turnout-tls-reload}, never an event loop)
 * reads every file each {@code tls.reloadInterval}; when any content changed it builds a whole new
 * set and swaps it in with one volatile write, so new handshakes use it and established connections
 * keep theirs. Content is compared, not modification times: a Kubernetes Secret volume update swaps
 * a {@code ..data} symlink, which changes what the path reads without touching its mtime. A file
 * that cannot be used (unreadable, not PEM, or a key that does not belong to its certificate: each
 * new set must complete a test handshake, {@link HandshakeCheck}) is logged once with its field,
 * and the set in use keeps serving.
 *
 * <p>Thread-safe: the set is immutable and published through a volatile field.
 */
public final class ServerCertificates implements Mapping<String, SslContext>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ServerCertificates.class);

  private final TlsSettings settings;
  private final boolean http2;
  private volatile Mapping<String, SslContext> current;
  private byte[][] lastSeen;
  private ScheduledExecutorService reloader;

  private ServerCertificates(TlsSettings settings, boolean http2) {
    this.settings = settings;
    this.http2 = http2;
  }

  /**
   * Reads and checks every certificate now.
   *
   * @throws SSLException naming the field of the first file that cannot be used
   */
  public static ServerCertificates load(TlsSettings settings, boolean http2) throws SSLException {
    ServerCertificates c = new ServerCertificates(settings, http2);
    byte[][] files = c.readAll();
    c.current = c.build(files);
    c.lastSeen = files;
    return c;
  }

  /** Starts checking the files for changes. */
  public void startWatching() {
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-tls-reload");
              t.setDaemon(true);
              return t;
            });
    long every = settings.reloadInterval().toMillis();
    reloader.scheduleWithFixedDelay(this::reloadIfChanged, every, every, TimeUnit.MILLISECONDS);
  }

  /** A handler that picks the certificate by SNI, then terminates TLS. */
  public ChannelHandler newHandler(long handshakeTimeoutMillis) {
    return new SniHandler(this, 16 * 1024, handshakeTimeoutMillis);
  }

  @Override
  public SslContext map(String sniHostName) {
    return current.map(sniHostName);
  }

  /** Checks the files once; public for tests that do not want to wait for the timer. */
  public synchronized void reloadIfChanged() {
    byte[][] files;
    try {
      files = readAll();
    } catch (SSLException e) {
      log.warn("tls: keeping the certificates in use: {}", e.getMessage());
      return;
    }
    if (Arrays.deepEquals(files, lastSeen)) {
      return;
    }
    lastSeen = files; // a bad file is reported once, not at every check
    try {
      current = build(files);
      log.info("tls: certificates reloaded from changed files");
    } catch (SSLException e) {
      log.warn("tls: keeping the certificates in use: {}", e.getMessage());
    }
  }

  private List<String[]> filesWithFields() {
    List<String[]> f = new ArrayList<>();
    f.add(new String[] {settings.certFile(), "tls.certFile"});
    f.add(new String[] {settings.keyFile(), "tls.keyFile"});
    for (int i = 0; i < settings.certificates().size(); i++) {
      TlsSettings.SniCertificate c = settings.certificates().get(i);
      f.add(new String[] {c.certFile(), "tls.certificates[" + i + "].certFile"});
      f.add(new String[] {c.keyFile(), "tls.certificates[" + i + "].keyFile"});
    }
    return f;
  }

  private byte[][] readAll() throws SSLException {
    List<String[]> files = filesWithFields();
    byte[][] out = new byte[files.size()][];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = Files.readAllBytes(Path.of(files.get(i)[0]));
      } catch (IOException e) {
        throw new SSLException(
            files.get(i)[1] + ": '" + files.get(i)[0] + "' cannot be read (" + e + ")", e);
      }
    }
    return out;
  }

  private Mapping<String, SslContext> build(byte[][] files) throws SSLException {
    SslContext fallback = TlsContexts.forServer(files[0], files[1], "tls.certFile/keyFile", http2);
    HandshakeCheck.check(fallback, "tls.certFile/keyFile");
    DomainWildcardMappingBuilder<SslContext> b = new DomainWildcardMappingBuilder<>(fallback);
    for (int i = 0; i < settings.certificates().size(); i++) {
      TlsSettings.SniCertificate c = settings.certificates().get(i);
      SslContext ctx =
          TlsContexts.forServer(
              files[2 + 2 * i],
              files[3 + 2 * i],
              "tls.certificates[" + i + "] certFile/keyFile",
              http2);
      HandshakeCheck.check(ctx, "tls.certificates[" + i + "] certFile/keyFile");
      for (String host : c.hosts()) {
        b.add(host, ctx);
      }
    }
    return b.build();
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
