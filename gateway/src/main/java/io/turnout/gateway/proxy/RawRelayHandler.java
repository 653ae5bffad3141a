package io.turnout.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Relays bytes one way after a connection left HTTP (a WebSocket after its 101), as in Netty's
 * HexDumpProxy: read only when the peer can take the data, flush per read batch, and close the peer
 * when this side closes. One instance sits on each of the two channels; both tell one {@link
 * TunnelIdleTimeout} when bytes move.
 *
 * <p>Confined to the channels' shared event loop.
 */
final class RawRelayHandler extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final TunnelIdleTimeout idle;
  private ChannelHandlerContext ctx;

  RawRelayHandler(Channel peer, TunnelIdleTimeout idle) {
    this.peer = peer;
    this.idle = idle;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    // Reads on demand: the client channel never auto-reads, and UpstreamConnection turns the
    // upstream's auto-read off before it adds its relay.
    this.ctx = ctx;
  }

  /** Starts relaying; call once both sides are in place. */
  void start() {
    ctx.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    idle.touch();
    peer.write(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
    if (peer.isWritable()) {
      ctx.read();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Our channel drained: the peer's relay may read again.
    if (ctx.channel().isWritable()) {
      RawRelayHandler other = peer.pipeline().get(RawRelayHandler.class);
      if (other != null) {
        peer.read();
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
