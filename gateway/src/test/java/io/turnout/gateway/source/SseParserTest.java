package io.turnout.gateway.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
  private final List<String> events = new ArrayList<>();

  private void feed(SseParser p, String... chunks) throws Exception {
    for (String c : chunks) {
      ByteBuf buf = Unpooled.copiedBuffer(c, StandardCharsets.UTF_8);
      try {
        p.feed(buf, (event, id, data) -> events.add(event + "|" + id + "|" + data));
      } finally {
        buf.release();
      }
    }
  }

  @Test
  void eventsSplitAcrossChunksAreReassembled() throws Exception {
    SseParser p = new SseParser(1 << 20);
    feed(p, "event: snap", "shot\nid: 4", "2\ndata: {\"a\":", "1}\n", "\n");
    assertEquals(List.of("snapshot|42|{\"a\":1}"), events);
  }

  @Test
  void heartbeatCommentsAndCrLfLinesAreHandled() throws Exception {
    SseParser p = new SseParser(1 << 20);
    feed(p, ": keep-alive\r\n\r\n", "event: snapshot\r", "\nid: 1\r\ndata: x\r\n\r\n");
    assertEquals(List.of("snapshot|1|x"), events);
  }

  @Test
  void multipleDataLinesJoinWithNewlines() throws Exception {
    SseParser p = new SseParser(1 << 20);
    feed(p, "data: a\ndata: b\n\n");
    assertEquals(List.of("message|null|a\nb"), events);
  }

  @Test
  void anOversizedEventIsRefused() {
    SseParser p = new SseParser(16);
    assertThrows(
        SseParser.TooLargeException.class, () -> feed(p, "data: 0123456789012345678901\n\n"));
  }
}
