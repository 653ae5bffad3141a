package io.turnout.gateway.proxy.mirror;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;

/**
 * The body of a live request chosen for copying ({@code mirror.mirrorBodies}), collected as the
 * live path forwards it. Each chunk's bytes are copied into one buffer of the request's declared
 * {@code Content-Length} (at most {@code mirror.maxBodySize}), so the live chunk goes on to the
 * upstream untouched and is never held back or retained for the mirror. When the last chunk has
 * passed, the copies start; a body that never completes (client gone, exchange cut) is {@link
 * #abandon abandoned} and its copies are never sent.
 *
 * <p>Confined to the live connection's event loop.
 */
public final class MirrorBody {
  private final ByteBuf body;
  private final Consumer<ByteBuf> send; // starts the copies; takes ownership of the body
  private boolean done;

  MirrorBody(ByteBuf body, Consumer<ByteBuf> send) {
    this.body = body;
    this.send = send;
  }

  /**
   * Copies the bytes of {@code content}; does not take or retain it. Returns false once the body is
   * complete and handed over (or dropped), so the caller can forget this object.
   */
  public boolean add(HttpContent content) {
    if (done) {
      return false;
    }
    ByteBuf in = content.content();
    if (in.readableBytes() > body.writableBytes()) {
      abandon(); // more than the declared length: the decoder should prevent it; copy nothing
      return false;
    }
    body.writeBytes(in, in.readerIndex(), in.readableBytes());
    if (content instanceof LastHttpContent) {
      done = true;
      if (body.isWritable()) {
        body.release(); // shorter than declared: the live request fails as well
      } else {
        send.accept(body); // takes ownership
      }
      return false;
    }
    return true;
  }

  /** Forgets a body that did not complete; no copy is sent. Safe to call more than once. */
  public void abandon() {
    if (!done) {
      done = true;
      body.release();
    }
  }
}
