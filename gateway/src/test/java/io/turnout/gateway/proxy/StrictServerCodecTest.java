package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictServerCodecTest {
  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(
        new StrictServerCodec(new HttpDecoderConfig().setStrictLineParsing(true)));
  }

  /** Feeds {@code text} in pieces of {@code step} bytes; returns the request heads decoded. */
  private static List<HttpRequest> heads(EmbeddedChannel ch, String text, int step) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < bytes.length; i += step) {
      ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i)));
    }
    List<HttpRequest> heads = new ArrayList<>();
    Object msg;
    while ((msg = ch.readInbound()) != null) {
      if (msg instanceof HttpRequest req) {
        heads.add(req);
      }
      ReferenceCountUtil.release(msg);
    }
    return heads;
  }

  @Test
  void foldedHeaderFailsTheRequestEvenWhenItArrivesByteByByte() {
    EmbeddedChannel ch = channel();
    List<HttpRequest> heads = heads(ch, "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n", 1);
    assertEquals(1, heads.size());
    assertTrue(heads.get(0).decoderResult().isFailure());
    ch.finishAndReleaseAll();
  }

  @Test
  void foldLookalikesInBodiesAndLeadingBlankLinesAreFine() {
    EmbeddedChannel ch = channel();
    String body = "a\r\n b\r\n\tc";
    List<HttpRequest> heads =
        heads(
            ch,
            "\r\nPOST / HTTP/1.1\r\nHost: a\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body
                + "GET /next HTTP/1.1\r\nHost: a\r\n\r\n",
            7);
    assertEquals(2, heads.size());
    assertTrue(heads.get(0).decoderResult().isSuccess());
    assertTrue(heads.get(1).decoderResult().isSuccess());
    ch.finishAndReleaseAll();
  }

  @Test
  void foldInAPipelinedSecondRequestIsCaught() {
    EmbeddedChannel ch = channel();
    List<HttpRequest> heads =
        heads(
            ch,
            "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nX: y\r\n\tz\r\n\r\n",
            1000);
    assertEquals(2, heads.size());
    assertTrue(heads.get(0).decoderResult().isSuccess());
    assertTrue(heads.get(1).decoderResult().isFailure());
    ch.finishAndReleaseAll();
  }

  @Test
  void responseToHeadCarriesNoBody() {
    EmbeddedChannel ch = channel();
    heads(ch, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", 100);
    DefaultFullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.NOT_FOUND,
            Unpooled.copiedBuffer("not found\n", StandardCharsets.US_ASCII));
    res.headers().setInt("content-length", 10);
    ch.writeOutbound(res);
    StringBuilder out = new StringBuilder();
    ByteBuf buf;
    while ((buf = ch.readOutbound()) != null) {
      out.append(buf.toString(StandardCharsets.US_ASCII));
      buf.release();
    }
    assertTrue(out.toString().endsWith("\r\n\r\n"), out.toString());
    ch.finishAndReleaseAll();
  }
}
