#!/usr/bin/env bash
# Peak resident memory of the gateway under given JVM flags: at 1,000 active connections (wrk,
# small GETs) and at N idle keep-alive connections (IdleConnections). One gateway at a time, so
# the number is its own; memory does not depend on how loaded the machine is, throughput does.
#
#   OPTS='-Xms32m -Xmx32m -XX:+UseSerialGC' bench/memory.sh
#
# Environment: OPTS (JVM flags), JAR (gateway/target/turnout-gateway.jar), BENCH_JAR
# (bench/target/turnout-bench.jar), IDLE (10000), DURATION (10 s of wrk), ROUNDS (1 round of
# 1,000 connections), OUT (bench/target/mem).
# Ports 28083 (gateway), 29903 (admin), 29111/29112 (apps).
set -euo pipefail
cd "$(dirname "$0")/.."

OPTS=${OPTS:-}
JAR=${JAR:-gateway/target/turnout-gateway.jar}
BENCH_JAR=${BENCH_JAR:-bench/target/turnout-bench.jar}
IDLE=${IDLE:-10000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-1}
OUT=${OUT:-bench/target/mem}
mkdir -p "$OUT"
ulimit -n "$((IDLE + 4096))" 2>/dev/null || echo "ulimit -n stays $(ulimit -n): fewer idle connections may open"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

for v in blue:29111 green:29112; do
  java -Xmx256m -XX:+UseParallelGC -cp "$BENCH_JAR" io.turnout.bench.upstream.FastUpstream \
    "${v%%:*}" "${v##*:}" 2 >"$OUT/${v%%:*}.log" 2>&1 &
  PIDS+=($!)
done
cat >"$OUT/turnout.yaml" <<EOF
listen: { http: 28083, admin: 29903 }
accessLog: false
affinity: { cookie: turnout, secret: bench-secret-not-for-production }
shutdown: { drainDelay: 0s, timeout: 2s }
limits: { maxConnections: $((IDLE + 2000)) }
hosts:
  - host: bench.example.com
    routes:
      - path: /
        versions:
          - { name: blue, weight: 90, endpoints: ["127.0.0.1:29111"] }
          - { name: green, weight: 10, endpoints: ["127.0.0.1:29112"] }
EOF
# shellcheck disable=SC2086
java $OPTS -jar "$JAR" --config "$OUT/turnout.yaml" >"$OUT/gateway.out" 2>"$OUT/gateway.err" &
GW=$!
PIDS+=("$GW")
for _ in $(seq 1 200); do
  curl -sf http://127.0.0.1:29903/readyz >/dev/null 2>&1 && break
  sleep 0.3
done
rss() {
  awk '/VmRSS/ {r=$2} /VmHWM/ {h=$2} /RssAnon/ {a=$2} /RssFile/ {f=$2} END {
    printf "RSS %d MiB (peak %d MiB; anonymous %d, file-backed %d)", r/1024, h/1024, a/1024, f/1024 }' "/proc/$GW/status"
}
echo "flags: ${OPTS:-(none)}"
echo "started: $(rss)"
wrk -t2 -c64 -d"${DURATION}s" -H 'Host: bench.example.com' http://127.0.0.1:28083/ | awk '/Requests\/sec/'
echo "after 64 connections: $(rss)"
# Each round opens 1,000 new connections: what they leave in the old generation when they close
# is what makes a fixed heap's RSS creep (ROUNDS=45 shows it).
for round in $(seq 1 "$ROUNDS"); do
  wrk -t2 -c1000 -d"${DURATION}s" --timeout 5s -H 'Host: bench.example.com' http://127.0.0.1:28083/ \
    | awk '/Requests\/sec|errors/'
  echo "after 1,000 connections (round $round of $ROUNDS): $(rss)"
done
java -Xmx64m -cp "$BENCH_JAR" io.turnout.bench.idle.IdleConnections 28083 "$IDLE" "$GW" bench.example.com 5
echo "after the idle connections closed: $(rss)"
jcmd "$GW" GC.heap_info | sed -n '1,3p'
echo "errors in the gateway's log: $(grep -c -E 'ERROR|OutOfMemory' "$OUT/gateway.err" || true)"
if [[ "$OPTS" == *NativeMemoryTracking* ]]; then
  jcmd "$GW" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/(reserved=[0-9]*KB, //' | tr -s ' '
fi
