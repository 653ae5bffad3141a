package io.turnout.gateway.proxy.mirror;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.turnout.gateway.config.MirrorSettings;
import io.turnout.gateway.routing.UpstreamEndpoint;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One copy of a live request on its way to a mirror endpoint: get a connection, send the head, read
 * the answer to its end and throw it away, give the connection back. Ends exactly once, by {@link
 * #answered} or {@link #drop}, which return the gateway-wide in-flight permit.
 *
 * <p>Confined to its {@link MirrorLoop}'s event loop.
 */
final class MirrorCopy {
  private enum State {
    CONNECTING,
    AWAITING_ANSWER,
    READING_ANSWER,
    ENDED
  }

  private final MirrorLoop ml;
  private final UpstreamEndpoint endpoint;
  private final MirrorMeters meters;
  private final AtomicInteger inFlight;
  private final int maxIdle;
  private final long startNanos = System.nanoTime();
  private final ScheduledFuture<?> timer;
  private FullHttpRequest request;
  private State state = State.CONNECTING;
  private Channel channel;
  private int status;
  private boolean keepAlive;
  private boolean skipInterimEnd;

  MirrorCopy(
      MirrorLoop ml,
      UpstreamEndpoint endpoint,
      FullHttpRequest request,
      MirrorMeters meters,
      AtomicInteger inFlight,
      MirrorSettings settings) {
    this.ml = ml;
    this.endpoint = endpoint;
    this.request = request;
    this.meters = meters;
    this.inFlight = inFlight;
    this.maxIdle = settings.maxInFlight();
    this.timer =
        ml.loop.schedule(this::onTimeout, settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  void start() {
    Channel idle = ml.pollIdle(endpoint);
    if (idle != null) {
      send(idle);
      return;
    }
    ChannelFuture cf = ml.connect(endpoint);
    cf.addListener(
        f -> {
          if (state != State.CONNECTING) {
            cf.channel().close(); // timed out while connecting
          } else if (f.isSuccess()) {
            send(cf.channel());
          } else {
            drop(DropReason.CONNECT);
          }
        });
  }

  private void send(Channel ch) {
    channel = ch;
    state = State.AWAITING_ANSWER;
    ch.pipeline().get(MirrorConnection.class).bind(this);
    FullHttpRequest r = request;
    request = null;
    ch.writeAndFlush(r)
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                drop(DropReason.RESET); // also when the connection died before the bind
              }
            });
  }

  void onRead(HttpObject msg) {
    try {
      if (state == State.ENDED) {
        return;
      }
      if (msg.decoderResult().isFailure()) {
        drop(DropReason.PROTOCOL);
        return;
      }
      if (msg instanceof HttpResponse res) {
        int code = res.status().code();
        if (code >= 100 && code < 200) {
          skipInterimEnd = true; // 100/103: the real answer follows
        } else {
          status = code;
          keepAlive = HttpUtil.isKeepAlive(res);
          state = State.READING_ANSWER;
        }
      }
      if (msg instanceof LastHttpContent) {
        if (skipInterimEnd) {
          skipInterimEnd = false;
        } else if (state == State.READING_ANSWER) {
          answered();
        }
      } else if (msg instanceof HttpContent && state != State.READING_ANSWER) {
        drop(DropReason.PROTOCOL);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  /** The connection closed under the copy. */
  void onClosed() {
    channel = null;
    drop(DropReason.RESET);
  }

  private void onTimeout() {
    if (state != State.ENDED) {
      drop(DropReason.TIMEOUT);
    }
  }

  private void answered() {
    state = State.ENDED;
    timer.cancel(false);
    inFlight.decrementAndGet();
    meters.answered(status, System.nanoTime() - startNanos);
    Channel ch = channel;
    channel = null;
    ch.pipeline().get(MirrorConnection.class).unbind();
    if (keepAlive) {
      ml.release(endpoint, ch, maxIdle);
    } else {
      ch.close();
    }
  }

  private void drop(DropReason reason) {
    if (state == State.ENDED) {
      return;
    }
    state = State.ENDED;
    timer.cancel(false);
    inFlight.decrementAndGet();
    meters.dropped(reason);
    if (request != null) {
      ReferenceCountUtil.release(request);
      request = null;
    }
    Channel ch = channel;
    channel = null;
    if (ch != null) {
      MirrorConnection conn = ch.pipeline().get(MirrorConnection.class);
      if (conn != null) {
        conn.unbind();
      }
      ch.close();
    }
  }
}
