package io.turnout.gateway.log;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineBatcherTest {
  private static byte[] line(String s) {
    return (s + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void linesFromSeveralThreadsAreWrittenWholeAndInEachThreadsOrder() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LineBatcher batcher =
        new LineBatcher(out, 1 << 20, 10, TimeUnit.MILLISECONDS, "test-log")) {
      Thread[] producers = new Thread[3];
      for (int t = 0; t < producers.length; t++) {
        int id = t;
        producers[t] =
            new Thread(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    byte[] b = line("t" + id + " n=" + i);
                    batcher.write(b, 0, b.length);
                  }
                });
        producers[t].start();
      }
      for (Thread p : producers) {
        p.join();
      }
      // Written by the writer thread alone, within its flush interval.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> out.toString(StandardCharsets.US_ASCII).split("\n").length == 6000);
      assertEquals(0, batcher.dropped());
    }
    String[] lines = out.toString(StandardCharsets.US_ASCII).split("\n");
    int[] next = new int[3];
    for (String l : lines) {
      int t = l.charAt(1) - '0';
      int n = Integer.parseInt(l.substring(l.indexOf("n=") + 2));
      assertTrue(n >= next[t], "thread " + t + " wrote " + n + " after " + next[t]);
      next[t] = n + 1;
    }
  }

  @Test
  void aWriterThatIsStuckCostsDroppedLinesNeverABlockedProducer() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream slow =
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            stuck.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            written.write(b, off, len);
          }
        };
    LineBatcher batcher = new LineBatcher(slow, 1024, 5, TimeUnit.MILLISECONDS, "test-log");
    byte[] b = line("x".repeat(99)); // 100 bytes
    batcher.write(b, 0, b.length);
    assertTrue(stuck.await(30, TimeUnit.SECONDS), "the writer took the first buffer");
    // The writer is stuck on its write: this thread's other buffer takes 10 lines, then drops.
    for (int i = 0; i < 50; i++) {
      batcher.write(b, 0, b.length);
    }
    assertEquals(40, batcher.dropped());
    release.countDown();
    batcher.close();
    assertEquals(11 * 100, written.size());
  }
}
