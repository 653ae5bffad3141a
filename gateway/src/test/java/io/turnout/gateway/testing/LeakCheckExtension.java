package io.turnout.gateway.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty's leak detector reported a {@code ByteBuf} that was never released
 * while it ran. Leaks surface only after the buffer is collected, so this forces a few GCs and
 * allocates (allocation is when the detector polls its queue) before looking.
 *
 * <p>Registered for every test class through JUnit's extension auto-detection.
 */
public final class LeakCheckExtension implements AfterAllCallback {
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(20);
      for (int k = 0; k < 64; k++) {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(256);
        b.release();
        ByteBuf h = ByteBufAllocator.DEFAULT.heapBuffer(256);
        h.release();
      }
    }
    List<String> leaks = LeakCapture.drain();
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " ByteBuf leak report(s) in "
              + context.getDisplayName()
              + ":\n"
              + leaks.get(0));
    }
  }
}
