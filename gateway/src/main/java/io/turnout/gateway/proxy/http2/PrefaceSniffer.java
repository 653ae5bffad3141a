package io.turnout.gateway.proxy.http2;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * On the plain HTTP listener, tells HTTP/2 with prior knowledge (h2c) from HTTP/1.1 by the first
 * bytes: an HTTP/2 client starts with the 24-byte connection preface {@code PRI *
 * HTTP/2.0\r\n\r\nSM\r\n\r\n}, which no HTTP/1.1 request starts with. On the first byte that
 * differs it steps aside and the HTTP/1.1 codec behind it sees every byte; on the whole preface it
 * calls {@code toHttp2}, which rebuilds the pipeline, and then hands the bytes (the preface
 * included) to the HTTP/2 codec. An {@code Upgrade: h2c} request is plain HTTP/1.1 to this
 * listener: the header is dropped as hop-by-hop and the request is answered over HTTP/1.1.
 *
 * <p>Confined to the connection's event loop.
 */
public final class PrefaceSniffer extends ByteToMessageDecoder {
  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final Consumer<ChannelHandlerContext> toHttp2;

  /**
   * @param toHttp2 replaces the HTTP/1.1 handlers with HTTP/2 ones; runs on the event loop
   */
  public PrefaceSniffer(Consumer<ChannelHandlerContext> toHttp2) {
    this.toHttp2 = toHttp2;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int n = Math.min(in.readableBytes(), PREFACE.length);
    for (int i = 0; i < n; i++) {
      if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
        ctx.pipeline().remove(this); // HTTP/1.x: the codec behind gets the bytes
        return;
      }
    }
    if (n == PREFACE.length) {
      toHttp2.accept(ctx);
      ctx.pipeline().remove(this); // the HTTP/2 codec gets the preface and what follows
    }
    // else: a prefix of the preface so far; wait for more (the decoder asks for another read)
  }
}
