package io.turnout.gateway.source;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.turnout.gateway.config.ConfigException;
import io.turnout.gateway.snapshot.Snapshot;
import io.turnout.gateway.snapshot.SnapshotDelta;
import io.turnout.gateway.snapshot.SnapshotJson;
import io.turnout.gateway.snapshot.StreamState;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty {@link ControllerSnapshotSource}.
 *
 * <p>Threads: connection state ({@code channel}, {@code failures}) belongs to {@code loop}; {@code
 * lastApplied}, {@code state}, {@code sinkInSync}, the cache file and its pending write belong to
 * the single {@code applier} thread. {@code queue} is shared (synchronized). {@code closed}, {@code
 * connected}, {@code forceFull} and {@code lastEventId} are volatile for readers anywhere.
 */
final class SseSnapshotSource implements ControllerSnapshotSource {
  private static final Logger log = LoggerFactory.getLogger(SseSnapshotSource.class);

  private final Settings settings;
  private final EventLoopGroup ownGroup;
  private final EventLoop loop;
  private final Class<? extends SocketChannel> channelClass;
  private final ScheduledExecutorService applier;
  private final ApplyQueue queue = new ApplyQueue();
  private final String origin;
  private final String host;
  private final int port;
  private final String path;

  private volatile SnapshotSink sink;
  private volatile boolean closed;
  private volatile boolean connected;
  private volatile long lastEventId = -1;
  private volatile boolean forceFull;

  // loop only
  private Channel channel;
  private int failures;

  // applier only
  private Snapshot lastApplied;
  private StreamState state;
  private boolean sinkInSync = true;
  private Snapshot cachePending;

  private SseSnapshotSource(
      Settings settings, EventLoopGroup group, Class<? extends SocketChannel> channelClass) {
    this.settings = settings;
    URI uri = settings.controller();
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException(
          "controller URL must be http://host[:port][/prefix], was " + uri);
    }
    this.host = uri.getHost();
    this.port = uri.getPort() < 0 ? 80 : uri.getPort();
    String prefix = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.path =
        (prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix)
            + "/v1/snapshots"
            + (settings.deltas() ? "?delta=1" : "");
    this.origin = "controller " + uri;
    if (group == null) {
      this.ownGroup =
          new MultiThreadIoEventLoopGroup(
              1,
              new DefaultThreadFactory("turnout-controller-client", true),
              NioIoHandler.newFactory());
      this.loop = ownGroup.next();
      this.channelClass = NioSocketChannel.class;
    } else {
      this.ownGroup = null;
      this.loop = group.next();
      this.channelClass = channelClass;
    }
    this.applier =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "turnout-snapshot-apply");
              t.setDaemon(true);
              return t;
            });
  }

  static SseSnapshotSource create(
      Settings settings, EventLoopGroup group, Class<? extends SocketChannel> channelClass) {
    return new SseSnapshotSource(settings, group, channelClass);
  }

  @Override
  public void start(SnapshotSink sink) {
    this.sink = sink;
    sink.controllerConnected(false);
    // The cache is offered before the first connect so that its version goes out as
    // Last-Event-ID, and so that a controller sending the same routes causes no swap.
    applier.execute(
        () -> {
          loadCache();
          loop.execute(this::connect);
        });
  }

  @Override
  public boolean connected() {
    return connected;
  }

  @Override
  public long lastEventId() {
    return lastEventId;
  }

  // ---- connection (loop) ----

  private void connect() {
    if (closed) {
      return;
    }
    Bootstrap b =
        new Bootstrap()
            .group(loop)
            .channel(channelClass)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5_000)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    long idle = settings.readIdleTimeout().toMillis();
                    ch.pipeline()
                        .addLast("idle", new IdleStateHandler(idle, 0, 0, TimeUnit.MILLISECONDS))
                        .addLast("http", new HttpClientCodec())
                        .addLast("sse", new StreamHandler());
                  }
                });
    ChannelFuture f = b.connect(host, port);
    channel = f.channel();
    f.addListener(
        done -> {
          if (!done.isSuccess()) {
            log.warn("cannot connect to {}: {}", origin, done.cause().toString());
            reconnectLater();
          }
        });
  }

  private void reconnectLater() {
    if (closed) {
      return;
    }
    failures++;
    // Exponential backoff with "equal jitter": half fixed, half random, so a fleet of gateways
    // that lost the controller together does not come back in lockstep.
    long initial = settings.initialBackoff().toMillis();
    long cap = settings.maxBackoff().toMillis();
    long base = Math.min(cap, initial << Math.min(failures - 1, 20));
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  /** Reads one stream: the response head, then SSE lines in the body chunks. */
  private final class StreamHandler extends ChannelInboundHandlerAdapter {
    private final SseParser parser = new SseParser(settings.maxEventBytes());
    private boolean streaming;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
      req.headers()
          .set(HttpHeaderNames.HOST, port == 80 ? host : host + ":" + port)
          .set(HttpHeaderNames.ACCEPT, "text/event-stream")
          .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
      if (settings.streamToken() != null) {
        req.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + settings.streamToken());
      }
      long id = lastEventId;
      if (forceFull) {
        forceFull = false; // a delta did not fit: no Last-Event-ID brings a full snapshot
      } else if (id >= 0) {
        req.headers().set("Last-Event-ID", Long.toString(id));
      }
      ctx.writeAndFlush(req);
      ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof HttpResponse res) {
          if (!res.status().equals(HttpResponseStatus.OK)) {
            log.warn("{} answered {}; retrying", origin, res.status());
            ctx.close();
            return;
          }
          String type = res.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
          if (!type.startsWith("text/event-stream")) {
            log.warn(
                "{} answered with Content-Type '{}', not an event stream: is the URL a Turnout"
                    + " controller? retrying",
                origin,
                type);
            ctx.close();
            return;
          }
          streaming = true;
          connected = true;
          sink.controllerConnected(true);
          failures = 0;
          log.info("streaming snapshots from {}", origin);
        }
        if (msg instanceof HttpContent content && streaming) {
          try {
            parser.feed(content.content(), SseSnapshotSource.this::onEvent);
          } catch (SseParser.TooLargeException e) {
            sink.reject(origin, e.getMessage());
            ctx.close();
            return;
          }
          if (msg instanceof LastHttpContent) {
            log.warn("{} ended the stream; reconnecting", origin);
            ctx.close();
          }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        log.warn(
            "nothing from {} for {} ms (not even a heartbeat); reconnecting",
            origin,
            settings.readIdleTimeout().toMillis());
        ctx.close();
        return;
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (connected) {
        log.warn("lost the stream from {}; serving the last snapshot while reconnecting", origin);
      }
      connected = false;
      sink.controllerConnected(false);
      reconnectLater();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("stream from {} failed: {}", origin, cause.toString());
      ctx.close();
    }
  }

  /** Called on the loop for each complete event; queues it for the applier. */
  private void onEvent(String event, String id, String data) {
    boolean full = "snapshot".equals(event);
    if (!full && !"delta".equals(event)) {
      return; // unknown event types are for newer gateways; ignore, as SSE intends
    }
    if (id != null) {
      try {
        lastEventId = Long.parseLong(id.trim());
      } catch (NumberFormatException ignored) {
        // not ours to interpret; the next event will carry a good one
      }
    }
    if (queue.add(new ApplyQueue.Event(full, data))) {
      applier.execute(this::drain);
    }
  }

  // ---- applying (applier thread) ----

  /** Applies everything queued as one change: the last full snapshot, then the deltas after it. */
  private void drain() {
    if (closed) {
      return;
    }
    Snapshot full = null;
    Map<String, Boolean> touched = new HashMap<>();
    for (ApplyQueue.Event e : queue.drain()) {
      if (e.full()) {
        try {
          // Parsed, not validated: the sink validates every offered snapshot whole anyway, and at
          // 5,000 Services a second pass costs milliseconds on every change.
          full = SnapshotJson.read(SnapshotJson.json(), e.data(), Snapshot.class);
        } catch (ConfigException ex) {
          sink.reject(origin, ex.getMessage());
          continue;
        }
        state = settings.deltas() ? StreamState.of(full) : null;
        touched.clear();
      } else if (state != null) {
        try {
          state.apply(
              SnapshotJson.read(SnapshotJson.json(), e.data(), SnapshotDelta.class), touched);
        } catch (ConfigException | StreamState.DeltaException ex) {
          log.warn("{}: {}; reconnecting for a full snapshot", origin, ex.getMessage());
          state = null;
          full = null;
          touched.clear();
          requestFull();
        }
      }
    }
    if (full != null && touched.isEmpty()) {
      apply(full);
    } else if (state != null && !touched.isEmpty()) {
      Snapshot next = state.snapshot();
      boolean ok =
          full == null && sinkInSync
              ? sink.offerChange(next, state.hosts(), touched, origin)
              : sink.offer(next, origin);
      sinkInSync = ok;
      if (ok) {
        lastApplied = next;
        writeCacheSoon(next);
      }
    }
  }

  /** Drops the stream; the next connect sends no Last-Event-ID and so gets a full snapshot. */
  private void requestFull() {
    forceFull = true;
    loop.execute(
        () -> {
          if (channel != null) {
            channel.close();
          }
        });
  }

  private void apply(Snapshot s) {
    if (lastApplied != null && lastApplied.hosts().equals(s.hosts())) {
      log.debug("snapshot {} from {} has the routes already applied; skipped", s.version(), origin);
      sinkInSync = true;
      return;
    }
    sinkInSync = sink.offer(s, origin);
    if (sinkInSync) {
      lastApplied = s;
      writeCache(s);
    }
  }

  /**
   * Writes the cache at most once a second under deltas: at 5,000 Services a write is a 1.3 MiB
   * JSON encoding, far more than applying the delta itself.
   */
  private void writeCacheSoon(Snapshot s) {
    if (settings.cacheFile() == null) {
      return;
    }
    boolean scheduled = cachePending != null;
    cachePending = s;
    if (!scheduled) {
      applier.schedule(
          () -> {
            Snapshot latest = cachePending;
            cachePending = null;
            if (latest != null && !closed) {
              writeCache(latest);
            }
          },
          1,
          TimeUnit.SECONDS);
    }
  }

  private void loadCache() {
    Path file = settings.cacheFile();
    if (file == null || !Files.exists(file)) {
      return;
    }
    try {
      Snapshot s = SnapshotJson.parseSnapshot(Files.readString(file, StandardCharsets.UTF_8));
      String from = "snapshot-cache " + file;
      if (sink.offer(s, from)) {
        lastApplied = s;
        state = settings.deltas() ? StreamState.of(s) : null;
        lastEventId = s.version();
        log.info("serving cached snapshot {} from {} until {} answers", s.version(), file, origin);
      }
    } catch (IOException | ConfigException e) {
      log.warn("ignoring snapshot cache {}: {}", file, e.getMessage());
    }
  }

  private void writeCache(Snapshot s) {
    Path file = settings.cacheFile();
    if (file == null) {
      return;
    }
    // Temp file in the same directory, then rename: a crash mid-write never leaves half a file.
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(tmp, SnapshotJson.toJson(s), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      log.warn("cannot write snapshot cache {}: {}", file, e.toString());
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    loop.execute(
        () -> {
          if (channel != null) {
            channel.close();
          }
        });
    applier.shutdown();
    if (ownGroup != null) {
      ownGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }
}
