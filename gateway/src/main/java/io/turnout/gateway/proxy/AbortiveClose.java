package io.turnout.gateway.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;

/**
 * Closes a connection with a reset instead of a FIN. Used when a timeout cuts an exchange: a FIN
 * after a body that is delimited by the close (an HTTP/1.0 answer without a length) would pass a
 * truncated body off as complete, and a FIN behind bytes a peer never reads keeps the socket and
 * its send buffer in the kernel until the peer reads or the kernel gives up; a reset does neither.
 */
final class AbortiveClose {
  private AbortiveClose() {}

  /** Resets {@code ch} now. */
  static void reset(Channel ch) {
    resetOnClose(ch);
    ch.close();
  }

  /** Makes the next close of {@code ch}, whoever calls it, a reset. */
  static void resetOnClose(Channel ch) {
    if (ch.isActive()) {
      try {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
      } catch (RuntimeException e) {
        // Not a socket that knows SO_LINGER (an embedded channel): a plain close will do.
      }
    }
  }
}
