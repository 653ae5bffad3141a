package io.turnout.gateway.source;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A controller stand-in: each connection to /v1/snapshots is handed to the test to script. */
final class FakeSseServer implements AutoCloseable {
  final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();
  private final java.util.List<Conn> all = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpServer server;
  private final ExecutorService threads = Executors.newCachedThreadPool();

  /** One open stream. */
  static final class Conn {
    final String lastEventId;
    final String authorization;
    final String query;
    private final HttpExchange exchange;
    private final OutputStream out;
    private final CountDownLatch closed = new CountDownLatch(1);

    Conn(HttpExchange exchange) {
      this.exchange = exchange;
      this.lastEventId = exchange.getRequestHeaders().getFirst("Last-Event-ID");
      this.authorization = exchange.getRequestHeaders().getFirst("Authorization");
      this.query = exchange.getRequestURI().getRawQuery();
      this.out = exchange.getResponseBody();
    }

    void snapshot(long version, String json) throws IOException {
      send("event: snapshot\nid: " + version + "\ndata: " + json + "\n\n");
    }

    void delta(long version, String json) throws IOException {
      send("event: delta\nid: " + version + "\ndata: " + json + "\n\n");
    }

    void send(String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    void close() {
      exchange.close();
      closed.countDown();
    }
  }

  FakeSseServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext(
        "/v1/snapshots",
        exchange -> {
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          Conn c = new Conn(exchange);
          all.add(c);
          connections.add(c);
          try {
            c.closed.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  Conn next() throws InterruptedException {
    Conn c = connections.poll(10, TimeUnit.SECONDS);
    if (c == null) {
      throw new AssertionError("the source did not (re)connect within 10 s");
    }
    return c;
  }

  @Override
  public void close() {
    server.stop(0);
    all.forEach(Conn::close);
    threads.shutdownNow();
  }
}
