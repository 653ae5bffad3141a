package io.turnout.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/**
 * One pooled upstream connection, and the only code that touches its channel's pipeline and its
 * auto-read flag (as Zuul's {@code PooledConnection} and Armeria's {@code HttpChannelPool} own
 * theirs). It sits last in the upstream pipeline ({@code http -> timeouts -> upstream}).
 *
 * <p>Life: lent by {@link UpstreamPool} and {@link #bind bound} to one exchange's {@link
 * UpstreamListener}, which gets everything read, the writability changes, the close and the
 * timeouts; then {@link #release released} to the pool (unbound, reads resumed), {@link #close
 * closed}, {@link #abort reset}, handed to an {@link AssetMissDrain}, or switched to a raw relay
 * after a 101 ({@link #switchToRelay}). While it idles in the pool anything it reads is unexpected
 * (the upstream must not speak unasked), so it closes.
 *
 * <p>Reads: the channel auto-reads a few buffers per read (see {@link UpstreamPool}); an exchange
 * whose client is full {@link #pauseReads pauses} it and {@link #resumeReads resumes} it when the
 * client drains. Flipping the flag only at the client's water marks keeps the socket's read
 * interest registered between requests.
 *
 * <p>Confined to the connection's event loop, which is also the client connection's.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  /** The name of this handler in the upstream pipeline. */
  static final String NAME = "upstream";

  private final UpstreamPool.Slot slot;
  private Channel channel;
  private UpstreamTimeoutHandler timeouts; // null where a test adopts a bare channel
  private UpstreamListener listener;
  private int lends;

  UpstreamConnection(UpstreamPool.Slot slot) {
    this.slot = slot;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.channel = ctx.channel();
    this.timeouts = (UpstreamTimeoutHandler) ctx.pipeline().get(UpstreamTimeoutHandler.NAME);
  }

  UpstreamPool.Slot slot() {
    return slot;
  }

  Channel channel() {
    return channel;
  }

  boolean isActive() {
    return channel.isActive();
  }

  /** Lends the connection to {@code l}: from now on it hears everything this connection reads. */
  void bind(UpstreamListener l) {
    this.listener = l;
    lends++;
  }

  /** True when the connection served an earlier exchange (so the upstream may have closed it). */
  boolean reused() {
    return lends > 1;
  }

  void unbind() {
    this.listener = null;
  }

  boolean isBound() {
    return listener != null;
  }

  void write(Object msg) {
    channel.write(msg);
  }

  ChannelFuture writeAndFlush(Object msg) {
    return channel.writeAndFlush(msg);
  }

  void flush() {
    channel.flush();
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** The client cannot take more: stop reading the response. */
  void pauseReads() {
    channel.config().setAutoRead(false);
  }

  /** Reads again; a no-op when not paused. */
  void resumeReads() {
    channel.config().setAutoRead(true);
  }

  /**
   * Between exchanges, in the pool: the idle timeout runs, and a read stays pending so an upstream
   * close is seen at once.
   */
  void pooled() {
    if (timeouts != null) {
      timeouts.pooled();
    }
    channel.read();
  }

  /** The exchange ended cleanly and the upstream keeps the connection alive: back to the pool. */
  void release(UpstreamPool pool) {
    pool.release(this);
  }

  /** Drops the connection without reusing it. */
  void close() {
    listener = null;
    channel.close();
  }

  /** Drops the connection with a reset: its kernel need not keep trying to deliver our bytes. */
  void abort() {
    AbortiveClose.resetOnClose(channel);
    close();
  }

  /**
   * Hands the connection, whose 404 head was just read, to a drain that reads the body away and
   * then releases it to {@code pool} (when {@code reusable}) or closes it.
   */
  void drainAssetMiss(UpstreamPool pool, boolean reusable) {
    AssetMissDrain drain = new AssetMissDrain(this, pool, reusable);
    bind(drain);
    resumeReads(); // the exchange may have paused it for a slow client
  }

  /**
   * Leaves HTTP after a {@code 101}: the codec and the timers go, and a relay to {@code client}
   * takes their place (removing the codec hands any bytes it still buffers on to the relay). The
   * relay reads on demand, so auto-read goes off. Returns the relay, to {@link
   * RawRelayHandler#start start} once the client side is in place too.
   */
  RawRelayHandler switchToRelay(Channel client, TunnelIdleTimeout idle) {
    listener = null;
    pauseReads();
    RawRelayHandler toClient = new RawRelayHandler(client, idle);
    ChannelPipeline p = channel.pipeline();
    p.addLast("relay", toClient);
    p.remove(this);
    p.remove(UpstreamTimeoutHandler.NAME);
    p.remove("http");
    return toClient;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    UpstreamListener l = listener;
    if (l != null && msg instanceof HttpObject http) {
      l.upstreamRead(http);
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    if (l != null) {
      l.upstreamWritabilityChanged(ctx.channel().isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    UpstreamListener l = listener;
    listener = null;
    if (l != null) {
      l.upstreamClosed();
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof UpstreamTimeout timeout) {
      UpstreamListener l = listener;
      if (l != null) {
        l.upstreamTimedOut(timeout); // the exchange decides: 504 or a cut; it closes the connection
      } else {
        ctx.close();
      }
      return;
    }
    if (evt == UpstreamTimeoutHandler.IDLE_IN_POOL && listener == null) {
      ctx.close(); // idle in the pool too long
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and decode errors end the connection; the exchange learns of it in channelInactive.
    ctx.close();
  }
}
