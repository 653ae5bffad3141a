package io.turnout.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ByteProcessor;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The client side's HTTP/1.1 codec: Netty's request decoder and response encoder, as in {@code
 * HttpServerCodec}, plus the one head check Netty's decoder does not make. Netty joins an obsolete
 * folded header line (a line starting with a space or tab continues the previous field) into the
 * field's value; a proxy that forwards a message another hop would read differently is how requests
 * get smuggled, so RFC 9112 section 5.2 lets a server reject it, and this one does: the request
 * comes out with a failed decoder result and is answered 400.
 *
 * <p>The check scans only the bytes the decoder consumed for a request head, while they are still
 * in its buffer; a head is scanned once, bodies never. One decode call never spans a head and a
 * body, which is what makes the consumed range exactly the head.
 *
 * <p>Like {@code HttpServerCodec} it remembers which requests were {@code HEAD}, so the encoder
 * writes no body for their responses (the gateway's own error responses always carry one).
 *
 * <p>Confined to the connection's event loop.
 */
final class StrictServerCodec
    extends CombinedChannelDuplexHandler<HttpRequestDecoder, HttpResponseEncoder> {
  /** Decoded but unanswered requests; more means a client pipelining far ahead of its answers. */
  private static final int MAX_PIPELINED = 128;

  private final ArrayDeque<Boolean> headRequests = new ArrayDeque<>(4);

  StrictServerCodec(HttpDecoderConfig config) {
    init(new Decoder(config), new Encoder());
  }

  /** Where the head scan is within a request head. */
  private enum HeadScan {
    /** Before the request line: CR and LF left over from the previous message are skipped. */
    START,
    REQUEST_LINE,
    LINE_START,
    IN_FIELD,
    DONE
  }

  private final class Decoder extends HttpRequestDecoder implements ByteProcessor {
    private boolean inHead = true;
    private HeadScan scan = HeadScan.START;
    private boolean folded;

    Decoder(HttpDecoderConfig config) {
      super(config);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out)
        throws Exception {
      int from = buffer.readerIndex();
      int emitted = out.size();
      boolean wasInHead = inHead;
      super.decode(ctx, buffer, out);
      if (wasInHead && !folded) {
        scanHead(buffer, from, buffer.readerIndex());
      }
      for (int i = emitted; i < out.size(); i++) {
        Object msg = out.get(i);
        if (msg instanceof HttpRequest req) {
          onHead(req);
        }
        if (msg instanceof LastHttpContent) {
          inHead = true; // the next byte starts a new request
          scan = HeadScan.START;
          folded = false;
        }
      }
    }

    private void onHead(HttpRequest req) {
      inHead = false;
      if (folded && req.decoderResult().isSuccess()) {
        req.setDecoderResult(
            DecoderResult.failure(new IllegalArgumentException("obsolete line folding")));
      } else if (headRequests.size() >= MAX_PIPELINED && req.decoderResult().isSuccess()) {
        req.setDecoderResult(
            DecoderResult.failure(new IllegalStateException("too many pipelined requests")));
      }
      headRequests.add(HttpMethod.HEAD.equals(req.method()));
    }

    /** Advances the head scan over consumed bytes {@code [from, to)}; sets {@code folded}. */
    private void scanHead(ByteBuf buffer, int from, int to) {
      if (to > from && scan != HeadScan.DONE) {
        buffer.forEachByte(from, to - from, this);
      }
    }

    /** One byte of the head scan; false stops it (a fold, or the end of the head). */
    @Override
    public boolean process(byte b) {
      switch (scan) {
        case START -> scan = b == '\r' || b == '\n' ? HeadScan.START : HeadScan.REQUEST_LINE;
        case REQUEST_LINE, IN_FIELD -> {
          if (b == '\n') {
            scan = HeadScan.LINE_START;
          }
        }
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            folded = true;
            scan = HeadScan.DONE;
          } else if (b == '\n') {
            scan = HeadScan.DONE; // the empty line ending the head
          } else if (b != '\r') {
            scan = HeadScan.IN_FIELD;
          }
        }
        default -> {}
      }
      return scan != HeadScan.DONE;
    }
  }

  private final class Encoder extends HttpResponseEncoder {
    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
      if (msg.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        // 100 Continue answers no request of its own; a 101 ends HTTP on this connection.
        return super.isContentAlwaysEmpty(msg);
      }
      Boolean head = headRequests.poll();
      return Boolean.TRUE.equals(head) || super.isContentAlwaysEmpty(msg);
    }
  }
}
