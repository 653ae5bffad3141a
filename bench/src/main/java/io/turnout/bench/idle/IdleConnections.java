package io.turnout.bench.idle;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens N keep-alive connections to a proxy, sends one small GET on each and reads its answer, then
 * holds them all idle and prints the proxy's resident memory ({@code VmRSS}, and the peak {@code
 * VmHWM}) from {@code /proc/PID/status}: what a fleet of idle browsers costs the gateway.
 *
 * <pre>
 * java -cp turnout-bench.jar io.turnout.bench.idle.IdleConnections PORT N PID [HOST] [SECONDS]
 * </pre>
 *
 * The proxy needs {@code ulimit -n} above N (plus its upstream connections), and so does this
 * process. Connections are opened in batches of 500 so the accept queue never overflows.
 */
public final class IdleConnections {
  private IdleConnections() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int n = Integer.parseInt(args[1]);
    long pid = Long.parseLong(args[2]);
    String host = args.length > 3 ? args[3] : "bench.example.com";
    int hold = args.length > 4 ? Integer.parseInt(args[4]) : 5;
    byte[] request =
        ("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    System.out.printf("before: %s%n", memory(pid));
    List<SocketChannel> open = new ArrayList<>(n);
    ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    for (int i = 0; i < n; i += 500) {
      List<SocketChannel> batch = new ArrayList<>();
      for (int k = i; k < Math.min(n, i + 500); k++) {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        ch.write(ByteBuffer.wrap(request));
        batch.add(ch);
      }
      for (SocketChannel ch : batch) {
        readOneResponse(ch, in);
      }
      open.addAll(batch);
    }
    System.out.printf("%d connections open, each after one answered GET: %s%n", n, memory(pid));
    Thread.sleep(hold * 1000L);
    System.out.printf("after %d s idle: %s%n", hold, memory(pid));
    for (SocketChannel ch : open) {
      ch.close();
    }
  }

  /** Reads until the end of a head and a Content-Length body (the bench apps always send one). */
  private static void readOneResponse(SocketChannel ch, ByteBuffer in) throws IOException {
    in.clear();
    while (true) {
      if (ch.read(in) < 0) {
        throw new IOException("closed before an answer");
      }
      String s = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
      int end = s.indexOf("\r\n\r\n");
      if (end < 0) {
        continue;
      }
      int cl = s.toLowerCase().indexOf("content-length:");
      int length = 0;
      if (cl >= 0) {
        length = Integer.parseInt(s.substring(cl + 15, s.indexOf("\r\n", cl)).trim());
      }
      if (in.position() >= end + 4 + length) {
        return;
      }
    }
  }

  private static String memory(long pid) throws IOException {
    long rss = 0;
    long hwm = 0;
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        rss = Long.parseLong(line.replaceAll("\\D", ""));
      } else if (line.startsWith("VmHWM:")) {
        hwm = Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return String.format("RSS %d MiB (peak %d MiB)", rss / 1024, hwm / 1024);
  }
}
