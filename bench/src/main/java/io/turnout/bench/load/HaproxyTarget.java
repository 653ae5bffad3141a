package io.turnout.bench.load;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * HAProxy as a sticky weighted split: server weights 90/10 and {@code cookie tnh insert}. Two
 * threads (one per core), server connections reused across clients ({@code http-reuse always}).
 * Weight changes go through the runtime API on the stats socket ({@code set weight}), no reload.
 */
final class HaproxyTarget extends Target {
  private final int bluePort;
  private final int greenPort;

  HaproxyTarget(Path workDir, int port, int bluePort, int greenPort) {
    super("haproxy", port, workDir);
    this.bluePort = bluePort;
    this.greenPort = greenPort;
  }

  @Override
  List<String> command() {
    return List.of("haproxy", "-db", "-f", configFile().toString());
  }

  @Override
  Path configFile() {
    return dir.resolve("haproxy.cfg");
  }

  private Path socket() {
    return dir.resolve("admin.sock");
  }

  @Override
  void writeConfig(int blue, int green) throws IOException {
    String cfg =
        """
        # HAProxy under test: host routing, sticky 90/10 split, no log.
        global
          nbthread 2
          maxconn 8000
          stats socket %s mode 600 level admin

        defaults
          mode http
          option http-keep-alive
          option forwardfor
          timeout connect 2s
          timeout client 60s
          timeout server 60s
          timeout http-request 10s
          timeout http-keep-alive 60s

        frontend web
          bind 127.0.0.1:%d
          acl bench_host req.hdr(host),field(1,:) -i %s
          http-request deny deny_status 404 unless bench_host
          default_backend app

        backend app
          balance random
          http-reuse always
          cookie tnh insert indirect nocache httponly attr "SameSite=Lax"
          server blue 127.0.0.1:%d weight %d cookie blue
          server green 127.0.0.1:%d weight %d cookie green
        """
            .formatted(socket(), port, HOST, bluePort, blue, greenPort, green);
    Files.createDirectories(dir);
    writeAtomically(configFile(), cfg);
  }

  @Override
  void setWeights(int blue, int green) throws IOException {
    String answer =
        command("set weight app/blue " + blue + "; set weight app/green " + green + "\n");
    if (!answer.isBlank()) {
      throw new IOException("haproxy runtime API: " + answer.strip());
    }
  }

  /** Sends one line to the runtime API and returns its answer (the socket closes after it). */
  private String command(String line) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket()));
      ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
      ByteBuffer buf = ByteBuffer.allocate(8192);
      StringBuilder out = new StringBuilder();
      while (ch.read(buf) > 0) {
        buf.flip();
        out.append(StandardCharsets.US_ASCII.decode(buf));
        buf.clear();
      }
      return out.toString();
    }
  }

  @Override
  String weightChangeMethod() {
    return "runtime API on the stats socket: `set weight app/blue B; set weight app/green G`";
  }
}
