package io.turnout.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;

/**
 * Whether a channel's socket took any of the bytes queued for it since the last look, read from
 * Netty's outbound buffer the way {@code IdleStateHandler}'s {@code observeOutput} does: the
 * message being written changed, or more of it was written. Bytes added behind it do not count, so
 * a peer that reads nothing shows no progress however much is queued for it.
 *
 * <p>Confined to the channel's event loop.
 */
final class OutboundProgress {
  private int lastMessage;
  private long lastProgress;

  /** True when flushed bytes wait for the socket. */
  static boolean pending(Channel ch) {
    ChannelOutboundBuffer buf = ch.unsafe().outboundBuffer();
    return buf != null && buf.current() != null;
  }

  /** Remembers where the write stands now. */
  void mark(Channel ch) {
    ChannelOutboundBuffer buf = ch.unsafe().outboundBuffer();
    Object current = buf == null ? null : buf.current();
    lastMessage = System.identityHashCode(current);
    lastProgress = current == null ? 0 : buf.currentProgress();
  }

  /** True when the socket took bytes since the last {@link #mark} (which this call moves). */
  boolean advanced(Channel ch) {
    int message = lastMessage;
    long progress = lastProgress;
    mark(ch);
    return message != lastMessage || progress != lastProgress;
  }
}
