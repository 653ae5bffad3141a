package io.turnout.gateway.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Takes over the upstream connection of an asset 404 that the skew guard will not relay (see {@code
 * assets.AssetFallback}): reads the 404's body to its end, releasing every chunk, then gives the
 * connection back to the pool, so the miss costs no connection. The exchange meanwhile asks another
 * version on another connection.
 *
 * <p>A 404 page is small. One whose body is larger than {@link #MAX_BODY} or has not ended within
 * {@link #MAX_WAIT_MILLIS} is not worth the wait: the connection is closed instead, as it is when
 * the upstream did not offer keep-alive or the request was not sent whole.
 *
 * <p>Confined to the upstream connection's event loop (the client connection's).
 */
final class AssetMissDrain implements UpstreamListener {
  static final int MAX_BODY = 64 * 1024;
  static final long MAX_WAIT_MILLIS = 5_000;

  private final UpstreamConnection conn;
  private final UpstreamPool pool;
  private final boolean reusable;
  private final ScheduledFuture<?> deadline;
  private long bytes;
  private boolean done;

  /**
   * A drain for {@code conn}, whose 404 head was just read; {@link
   * UpstreamConnection#drainAssetMiss} binds it.
   *
   * @param reusable whether the connection may go back to the pool once the body ends cleanly (the
   *     request went up whole and the upstream keeps the connection alive)
   */
  AssetMissDrain(UpstreamConnection conn, UpstreamPool pool, boolean reusable) {
    this.conn = conn;
    this.pool = pool;
    this.reusable = reusable;
    this.deadline =
        conn.channel().eventLoop().schedule(this::giveUp, MAX_WAIT_MILLIS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void upstreamRead(HttpObject msg) {
    if (done || !(msg instanceof HttpContent content) || msg.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      finish(false);
      return;
    }
    bytes += content.content().readableBytes();
    boolean last = content instanceof LastHttpContent;
    content.release();
    if (bytes > MAX_BODY) {
      finish(false);
    } else if (last) {
      finish(reusable);
    }
  }

  private void giveUp() {
    if (!done) {
      finish(false);
    }
  }

  private void finish(boolean reuse) {
    if (done) {
      return;
    }
    done = true;
    deadline.cancel(false);
    if (reuse) {
      conn.release(pool);
    } else {
      conn.close();
    }
  }

  @Override
  public void upstreamReadComplete() {}

  @Override
  public void upstreamWritabilityChanged(boolean writable) {}

  @Override
  public void upstreamTimedOut(UpstreamTimeout timeout) {
    finish(false); // the 404 body stalled: not worth a connection
  }

  @Override
  public void upstreamClosed() {
    done = true;
    deadline.cancel(false);
  }
}
