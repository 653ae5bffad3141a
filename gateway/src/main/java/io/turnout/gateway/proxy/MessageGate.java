package io.turnout.gateway.proxy;

import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Lets {@link ProxyFrontendHandler} take exactly one decoded message per read it asks for, holding
 * the rest. With auto-read off, one socket read can still decode into several messages (a request
 * head and its empty last chunk, or a pipelined next request); the gate keeps them until the proxy
 * is ready for the next, which is what makes reading on demand exact.
 *
 * <p>It was a pipeline handler of its own ({@code OneMessagePerRead}, written because Netty's
 * {@code FlowControlHandler} left a request undelivered in our tests); as a plain object the
 * connection handler owns, it costs no handler hop per message and no handler per HTTP/2 stream.
 *
 * <p>Confined to the channel's event loop.
 */
final class MessageGate {
  private final ArrayDeque<Object> held = new ArrayDeque<>(4);
  private boolean wanted;

  /**
   * A message the codec decoded: true when the proxy asked for it and should take it now, false
   * when it is held for a later {@link #next}.
   */
  boolean admit(Object msg) {
    if (wanted && held.isEmpty()) {
      wanted = false;
      return true;
    }
    held.add(msg);
    return false;
  }

  /**
   * The proxy wants the next message: a held one, or null when the socket must be read (the next
   * decoded message is then {@link #admit}ted at once).
   */
  Object next() {
    Object msg = held.poll();
    if (msg == null) {
      wanted = true;
    }
    return msg;
  }

  /** Releases whatever is held: the connection closed, or left HTTP. */
  void releaseAll() {
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
