package io.turnout.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client timers on an {@link EmbeddedChannel} with a frozen clock, driven the way {@link
 * ProxyFrontendHandler} drives them: first byte, head received, response done.
 */
class ClientTimeoutHandlerTest {
  private static final long HEADER_S = 10;
  private static final long KEEP_ALIVE_S = 60;

  private final ClientTimeoutHandler timeouts =
      new ClientTimeoutHandler(
          TimeUnit.SECONDS.toNanos(HEADER_S), TimeUnit.SECONDS.toNanos(KEEP_ALIVE_S));
  private final EmbeddedChannel ch = newChannel();

  private EmbeddedChannel newChannel() {
    EmbeddedChannel c = new EmbeddedChannel();
    c.freezeTime();
    c.pipeline().addLast(timeouts);
    c.pipeline().fireChannelActive();
    return c;
  }

  private void advance(double seconds) {
    ch.advanceTimeBy((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
    ch.runScheduledPendingTasks();
  }

  private void firstByte() {
    ch.writeInbound(Unpooled.copiedBuffer("G", StandardCharsets.US_ASCII));
    ByteBuf passed = ch.readInbound();
    passed.release();
  }

  /** One exchange: a head that completes at once, a response after {@code seconds}. */
  private void exchange(double seconds) {
    firstByte();
    timeouts.requestHeadReceived();
    advance(seconds);
    timeouts.awaitingNextRequest();
  }

  private boolean got408() {
    ByteBuf out = ch.readOutbound();
    if (out == null) {
      return false;
    }
    try {
      return out.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 408");
    } finally {
      out.release();
    }
  }

  @Test
  void aConnectionThatSendsNothingClosesAfterTheHeaderTimeout() {
    advance(HEADER_S - 0.5);
    assertTrue(ch.isActive());
    advance(1);
    assertFalse(ch.isActive());
    assertNull(ch.readOutbound(), "a silent close, no 408 for a request never started");
  }

  @Test
  void headersStillIncompleteAtTheDeadlineGet408AndClose() {
    exchange(0.1);
    advance(3);
    firstByte();
    advance(HEADER_S - 0.5);
    assertTrue(ch.isActive());
    advance(1);
    assertTrue(got408());
    assertFalse(ch.isActive());
  }

  @Test
  void anIdleKeepAliveConnectionClosesSilentlyAfterTheKeepAliveTimeout() {
    exchange(0.2);
    advance(KEEP_ALIVE_S - 1);
    assertTrue(ch.isActive(), "the header timeout does not apply between requests");
    advance(2);
    assertFalse(ch.isActive());
    assertNull(ch.readOutbound());
  }

  @Test
  void aLongExchangeIsNotCutByClientTimers() {
    firstByte();
    timeouts.requestHeadReceived();
    advance(KEEP_ALIVE_S * 3);
    assertTrue(ch.isActive(), "while proxying, the exchange's own timeouts apply");
  }

  @Test
  void afterManyQuickRequestsAStalledHeadIsStillCutAtItsOwnDeadline() {
    // 45 requests over about 45 s: the one timer armed at the first byte fires mid-stream and
    // must re-arm for the deadline then in force, never cut a request early.
    for (int i = 0; i < 45; i++) {
      exchange(0.7);
      advance(0.3);
      assertTrue(ch.isActive(), "request " + i);
    }
    firstByte();
    advance(HEADER_S - 0.5);
    assertTrue(ch.isActive(), "cut before its own 10 s");
    advance(1);
    assertTrue(got408());
    assertFalse(ch.isActive());
  }

  @Test
  void aRequestAfterALongIdleGetsTheShorterHeaderDeadline() {
    exchange(0.1);
    advance(30); // the timer has re-armed for the keep-alive deadline, 30 s ahead
    firstByte();
    advance(HEADER_S + 1);
    assertTrue(got408(), "the header deadline is sooner than the armed keep-alive timer");
    assertFalse(ch.isActive());
  }
}
