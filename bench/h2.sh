#!/usr/bin/env bash
# The HTTP/2 scenario: TLS, many streams per connection, measured with h2load against Turnout,
# nginx and HAProxy configured the same way (h2 by ALPN on TLS in front, HTTP/1.1 keep-alive to
# one upstream, no access log). Called by bench/run.sh (--h2-only runs just this); needs the
# jars bench/run.sh builds, plus openssl, h2load (nghttp2-client), nginx and haproxy.
#
# Writes bench/results/H2.md. Environment: H2_DURATION (seconds per run, default 10), H2_CLIENTS
# (4), H2_STREAMS (streams per connection, 50), ROUNDS (5), H2_WARMUP (seconds of load per target
# before the rounds, 60).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${H2_DURATION:-10}
CLIENTS=${H2_CLIENTS:-4}
STREAMS=${H2_STREAMS:-50}
ROUNDS=${ROUNDS:-5}
WARMUP=${H2_WARMUP:-60}
RUN=bench/target/run
WORK=bench/target/h2
HOST=shop.example.com
UP=18601 TURNOUT=18643 TURNOUT_HTTP=18680 TURNOUT_ADMIN=18690 NGINX=18644 HAPROXY=18645 RELAY=18646 RELAY_FRAMES=18647
mkdir -p "$WORK/nginx/tmp" bench/results
say() { echo "[h2.sh] $*"; }
for c in openssl h2load nginx haproxy; do
  command -v $c >/dev/null || { say "$c is missing"; exit 1; }
done

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
  -keyout "$WORK/tls.key" -out "$WORK/tls.crt" -subj "/CN=$HOST" \
  -addext "subjectAltName=DNS:$HOST,IP:127.0.0.1" 2>/dev/null
cat "$WORK/tls.crt" "$WORK/tls.key" > "$WORK/haproxy.pem"

java -cp "$RUN/turnout-bench.jar" io.turnout.bench.upstream.FastUpstream app $UP 2 \
  > "$WORK/upstream.log" 2>&1 &
PIDS+=($!)

cat > "$WORK/turnout.yaml" <<YAML
listen: { http: $TURNOUT_HTTP, admin: $TURNOUT_ADMIN, https: $TURNOUT, address: 127.0.0.1 }
tls: { certFile: "$PWD/$WORK/tls.crt", keyFile: "$PWD/$WORK/tls.key" }
affinity: { secret: bench }
accessLog: false
hosts:
  - host: $HOST
    routes: [{path: /, versions: [{name: app, weight: 1, endpoints: ["127.0.0.1:$UP"]}]}]
YAML
# The README's recommended flags, as in the load benchmark.
MALLOC_ARENA_MAX=2 java -Xms32m -Xmx128m -Xmn16m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC -Xss256k \
  -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=128m -XX:TrimNativeHeapInterval=5000 -Dturnout.workers=2 -jar "$RUN/turnout-gateway.jar" \
  --config "$WORK/turnout.yaml" > "$WORK/turnout.log" 2>&1 &
PIDS+=($!)

# Netty's HTTP/2 stack relaying to the same app with a child channel per stream (see H2Relay).
MALLOC_ARENA_MAX=2 java -Xms32m -Xmx128m -Xmn16m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC -Xss256k \
  -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=128m -Dio.netty.allocator.lowMemory=false \
  -Dio.netty.leakDetection.level=disabled -cp "$RUN/turnout-bench.jar" io.turnout.bench.floor.H2Relay \
  $RELAY $UP "$WORK/tls.crt" "$WORK/tls.key" 2 > "$WORK/relay.log" 2>&1 &
PIDS+=($!)
# ... and the same without child channels, as Turnout runs streams: the floor under Turnout.
MALLOC_ARENA_MAX=2 java -Xms32m -Xmx128m -Xmn16m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC -Xss256k \
  -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=128m -Dio.netty.allocator.lowMemory=false \
  -Dio.netty.leakDetection.level=disabled -cp "$RUN/turnout-bench.jar" io.turnout.bench.floor.H2Relay \
  $RELAY_FRAMES $UP "$WORK/tls.crt" "$WORK/tls.key" 2 frames > "$WORK/relay-frames.log" 2>&1 &
PIDS+=($!)

cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
pid nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  http2_max_concurrent_streams 128;
  keepalive_requests 1000000;   # h2 streams per connection (default 1000)
  upstream app { server 127.0.0.1:$UP; keepalive 512; keepalive_requests 1000000; }
  server {
    listen 127.0.0.1:$NGINX ssl http2;
    ssl_certificate $PWD/$WORK/tls.crt;
    ssl_certificate_key $PWD/$WORK/tls.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_request_buffering off;
    }
  }
}
CONF
nginx -p "$PWD/$WORK/nginx/" -e "$PWD/$WORK/nginx/error.log" -c "$PWD/$WORK/nginx/nginx.conf" \
  -g "daemon off;" &
PIDS+=($!)

cat > "$WORK/haproxy.cfg" <<CFG
global
  nbthread 2
  maxconn 8000
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend fe
  bind 127.0.0.1:$HAPROXY ssl crt $PWD/$WORK/haproxy.pem alpn h2,http/1.1
  default_backend app
backend app
  server app 127.0.0.1:$UP
CFG
haproxy -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
PIDS+=($!)

for p in $UP $TURNOUT $NGINX $HAPROXY $RELAY $RELAY_FRAMES; do
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break
    sleep 0.2
  done
done

# h2load prints "finished in 1.23s, 16260.16 req/s, ..." and "requests: N total, ... N succeeded,
# F failed, E errored"; keep req/s, mean request time and the failure count.
# Runs last a fixed time, not a fixed count: 20,000 requests were 0.5-1.5 s a run, mostly the
# four TLS handshakes, the upstream connections of a pool that idled since the last round, and
# the first requests through them; the same start went into every run of every target, so short
# runs measured start-up more than serving.
measure() {
  local port=$1 seconds=$2
  h2load -D "$seconds" -c "$CLIENTS" -m "$STREAMS" -H ":authority: $HOST" \
    "https://127.0.0.1:$port/" 2>&1
}
echo "target,round,req_per_s,mean_ms,failed" > "$WORK/h2-runs.csv"
TARGETS="turnout:$TURNOUT nginx:$NGINX haproxy:$HAPROXY relay-h2:$RELAY relay-h2-frames:$RELAY_FRAMES"
# Warm-up by time, not by request count: under this load C2 is still compiling the gateway's hot
# path a minute in (three runs of 20,000 requests were ~5 s, and Turnout's first rounds came out at
# half its later speed). Every target gets the same.
for target in $TARGETS; do
  name=${target%%:*} port=${target##*:}
  say "$name: warm-up, ${WARMUP}s"
  h2load -D "$WARMUP" -c "$CLIENTS" -m "$STREAMS" -H ":authority: $HOST" \
    "https://127.0.0.1:$port/" > /dev/null 2>&1
done
# Rounds interleave the targets, so the machine's noise hits each alike.
for r in $(seq 1 "$ROUNDS"); do
  for target in $TARGETS; do
    name=${target%%:*} port=${target##*:}
    out=$(measure "$port" "$DURATION")
    rps=$(echo "$out" | sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p')
    mean=$(echo "$out" | awk '/^time for request:/ {print $6}')
    failed=$(echo "$out" | sed -n 's/^requests: .* \([0-9]*\) failed, \([0-9]*\) errored.*/\1+\2/p')
    echo "$name,$r,$rps,$mean,$failed" >> "$WORK/h2-runs.csv"
    say "$name round $r: $rps req/s, mean $mean, failed $failed"
  done
done

{
  echo "# HTTP/2 over TLS: h2load -D $DURATION -c $CLIENTS -m $STREAMS (seconds, connections, streams per connection)"
  echo
  echo "Each proxy terminates TLS with h2 by ALPN and forwards over HTTP/1.1 keep-alive to one"
  echo "upstream (FastUpstream). Median of $ROUNDS rounds, interleaved across the targets after"
  echo "$WARMUP s of the same load on each; req/s relative to nginx. Turnout runs with the README's recommended"
  echo "JVM flags. \`relay-h2-frames\` is the floor, not a competitor: Netty's HTTP/2 stack as Turnout uses it"
  echo "(BoringSSL, one handler on the connection that turns each stream's frames into HTTP/1 objects"
  echo "for the upstream and the response back into frames) relaying each stream over pooled HTTP/1.1"
  echo "connections, and nothing else ([H2Relay](../src/main/java/io/turnout/bench/floor/H2Relay.java));"
  echo "\`relay-h2\` is the same relay with a child channel per stream (Netty's multiplexer), as Turnout"
  echo "ran streams until its twelfth performance pass."
  echo
  echo "| target | req/s (median) | vs nginx | mean request time | failed+errored |"
  echo "|---|---|---|---|---|"
  nginx_rps=$(awk -F, '$1=="nginx" {print $3}' "$WORK/h2-runs.csv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  for name in turnout nginx haproxy relay-h2 relay-h2-frames; do
    med=$(awk -F, -v t=$name '$1==t {print $3}' "$WORK/h2-runs.csv" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    mean=$(awk -F, -v t=$name '$1==t {print $4}' "$WORK/h2-runs.csv" | paste -sd' ')
    failed=$(awk -F, -v t=$name '$1==t {print $5}' "$WORK/h2-runs.csv" | paste -sd' ')
    ratio=$(awk -v a="$med" -v b="$nginx_rps" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    echo "| $name | $med | $ratio | $mean | $failed |"
  done
} > bench/results/H2.md
cp "$WORK/h2-runs.csv" bench/results/h2-runs.csv
cat bench/results/H2.md
