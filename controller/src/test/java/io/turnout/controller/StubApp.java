package io.turnout.controller;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A version of an app on loopback that answers every request with its name and a status that a test
 * can change (200 for a good release, 500 for a broken one). Counts what it answered.
 */
public final class StubApp implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final AtomicInteger status;
  private final AtomicLong served = new AtomicLong();
  private final java.util.List<Long> answeredAt = new java.util.concurrent.CopyOnWriteArrayList<>();

  private StubApp(String name, int status) throws IOException {
    this.name = name;
    this.status = new AtomicInteger(status);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> daemon(r, "stub-" + name)));
    server.createContext(
        "/",
        ex -> {
          try (ex) {
            ex.getRequestBody().readAllBytes();
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            served.incrementAndGet();
            answeredAt.add(System.currentTimeMillis());
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(this.status.get(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  public static StubApp start(String name, int status) throws IOException {
    return new StubApp(name, status);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public long served() {
    return served.get();
  }

  /** When the n-th request (1-based) was answered (epoch ms), or -1 before it was. */
  public long answeredAt(int n) {
    return answeredAt.size() < n ? -1 : answeredAt.get(n - 1);
  }

  public void answer(int newStatus) {
    status.set(newStatus);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
