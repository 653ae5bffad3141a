package io.turnout.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * nginx as a sticky weighted split: {@code split_clients} makes the 90/10 choice for a client
 * without the {@code tnx} cookie, a {@code map} on the cookie keeps a returning client on its
 * version, and {@code add_header Set-Cookie} pins new clients. Two workers (one per core), upstream
 * keep-alive, request bodies streamed ({@code proxy_request_buffering off}), responses buffered in
 * memory only ({@code proxy_max_temp_file_size 0}). Weight changes rewrite the file and reload
 * ({@code nginx -s reload}): new workers start, old ones finish their requests and close.
 */
final class NginxTarget extends Target {
  private final int bluePort;
  private final int greenPort;

  NginxTarget(Path workDir, int port, int bluePort, int greenPort) {
    super("nginx", port, workDir);
    this.bluePort = bluePort;
    this.greenPort = greenPort;
  }

  @Override
  List<String> command() {
    return List.of(
        "nginx",
        "-p",
        dir.toString() + "/",
        "-e",
        dir.resolve("error.log").toString(),
        "-c",
        configFile().toString(),
        "-g",
        "daemon off;");
  }

  @Override
  Path configFile() {
    return dir.resolve("nginx.conf");
  }

  @Override
  void writeConfig(int blue, int green) throws IOException {
    Files.createDirectories(dir.resolve("tmp"));
    String split;
    if (blue == 0) {
      split = "* green;";
    } else if (green == 0) {
      split = "* blue;";
    } else {
      split = (100 * blue / (blue + green)) + "% blue; * green;";
    }
    String conf =
        """
        # nginx under test: host routing, sticky 90/10 split, no access log.
        worker_processes 2;
        worker_rlimit_nofile 20000;
        pid nginx.pid;
        events { worker_connections 8192; }
        http {
          access_log off;
          client_body_temp_path tmp/body;
          proxy_temp_path tmp/proxy;
          fastcgi_temp_path tmp/fastcgi;
          uwsgi_temp_path tmp/uwsgi;
          scgi_temp_path tmp/scgi;
          keepalive_timeout 60s;
          keepalive_requests 1000000;
          client_max_body_size 2m;

          upstream blue  { server 127.0.0.1:%d; keepalive 512; keepalive_requests 1000000; }
          upstream green { server 127.0.0.1:%d; keepalive 512; keepalive_requests 1000000; }

          # New clients: a random 90/10 choice. Returning clients: the version in their cookie.
          split_clients "${request_id}" $split { %s }
          map $cookie_tnx $pinned { blue blue; green green; default ""; }
          map $pinned $pool { "" $split; default $pinned; }
          map $pinned $pin_cookie { "" "tnx=$split; Path=/; HttpOnly; SameSite=Lax"; default ""; }

          server {
            listen 127.0.0.1:%d default_server backlog=4096;
            return 404;
          }
          server {
            listen 127.0.0.1:%d;
            server_name %s;
            location / {
              proxy_pass http://$pool;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_set_header Host $host;
              proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
              proxy_set_header X-Forwarded-Proto $scheme;
              proxy_request_buffering off;
              proxy_buffer_size 16k;
              proxy_buffers 8 32k;
              proxy_max_temp_file_size 0;
              add_header Set-Cookie $pin_cookie;
            }
          }
        }
        """
            .formatted(bluePort, greenPort, split, port, port, HOST);
    writeAtomically(configFile(), conf);
  }

  @Override
  void setWeights(int blue, int green) throws IOException, InterruptedException {
    writeConfig(blue, green);
    List<String> reload = new java.util.ArrayList<>(command().subList(0, 7));
    reload.addAll(List.of("-s", "reload"));
    run(reload);
  }

  @Override
  String weightChangeMethod() {
    return "rewrite nginx.conf, then `nginx -s reload`";
  }
}
