package io.turnout.controller.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A plain SSE reader for tests: collects the lines of one /v1/snapshots stream. */
final class SseLines implements AutoCloseable {
  final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;
  private volatile Stream<String> stream;

  SseLines(int port, String lastEventId) {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/snapshots"));
    if (lastEventId != null) {
      req.header("Last-Event-ID", lastEventId);
    }
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    reader =
        new Thread(
            () -> {
              try {
                stream = client.send(req.build(), HttpResponse.BodyHandlers.ofLines()).body();
                stream.forEach(lines::add);
              } catch (Exception e) {
                lines.add("! " + e);
              }
            },
            "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The ids of the snapshot events received, in order. */
  List<Long> ids() {
    return lines.stream()
        .filter(l -> l.startsWith("id: "))
        .map(l -> Long.parseLong(l.substring(4)))
        .toList();
  }

  long heartbeats() {
    return lines.stream().filter(l -> l.startsWith(":")).count();
  }

  @Override
  public void close() {
    Stream<String> s = stream;
    if (s != null) {
      s.close();
    }
    reader.interrupt();
  }
}
