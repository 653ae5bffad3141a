#!/usr/bin/env bash
# A/B of two Turnout variants side by side: the same upstream apps, both gateways warmed up, then
# wrk alternating A, B, B, A, A, B ... so the machine's noise (other builds) hits both alike. Prints
# per-round numbers and the medians: req/s, p99, CPU seconds per 10,000 requests (utime + stime
# of the gateway's /proc/PID/stat) and peak RSS (VmHWM, reset before each run).
#
#   A_JAR=a.jar B_JAR=b.jar bench/ab.sh
#   A_YAML='accessLog: true' B_YAML='accessLog: false' bench/ab.sh     # config lines per variant
#   A_OPTS='-Xmx64m ...' B_OPTS='...' bench/ab.sh                       # JVM flags per variant
#
# Environment: A_/B_ JAR (default gateway/target/turnout-gateway.jar), OPTS (default
# -Xms128m -Xmx128m -XX:+UseParallelGC), YAML (extra top-level config lines), TRANSPORT
# (listen.transport, default auto), ARGS (extra gateway arguments); CONNS (64), PATH_ (/), HEADERS (extra wrk -H value), ROUNDS (6), DURATION (8 s),
# WARMUP (15 s), BENCH_JAR (bench/target/turnout-bench.jar), OUT (a directory for logs).
# Ports 28081/28082 (gateways), 29901/29902 (admin), 29101/29102 (apps): not LoadBench's, so
# both can run on one machine.
set -euo pipefail
cd "$(dirname "$0")/.."

DEFAULT_OPTS="-Xms128m -Xmx128m -XX:+UseParallelGC"
A_JAR=${A_JAR:-gateway/target/turnout-gateway.jar}
B_JAR=${B_JAR:-gateway/target/turnout-gateway.jar}
A_OPTS=${A_OPTS:-$DEFAULT_OPTS}
B_OPTS=${B_OPTS:-$DEFAULT_OPTS}
A_YAML=${A_YAML:-accessLog: false}
B_YAML=${B_YAML:-accessLog: false}
A_TRANSPORT=${A_TRANSPORT:-auto}
B_TRANSPORT=${B_TRANSPORT:-auto}
A_ARGS=${A_ARGS:-}
B_ARGS=${B_ARGS:-}
CONNS=${CONNS:-64}
PATH_=${PATH_:-/}
HEADERS=${HEADERS:-X-Bench: 1}
ROUNDS=${ROUNDS:-6}
DURATION=${DURATION:-8}
WARMUP=${WARMUP:-15}
BENCH_JAR=${BENCH_JAR:-bench/target/turnout-bench.jar}
OUT=${OUT:-bench/target/ab}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

java -Xmx256m -XX:+UseParallelGC -cp "$BENCH_JAR" io.turnout.bench.upstream.FastUpstream blue 29101 2 \
  >"$OUT/blue.log" 2>&1 &
PIDS+=($!)
java -Xmx256m -XX:+UseParallelGC -cp "$BENCH_JAR" io.turnout.bench.upstream.FastUpstream green 29102 2 \
  >"$OUT/green.log" 2>&1 &
PIDS+=($!)

start_gateway() { # name port admin jar opts yaml args transport
  local name=$1 port=$2 admin=$3 jar=$4 opts=$5 yaml=$6 args=$7 transport=$8
  # Only when set: a jar from before listen.transport existed rejects the key.
  local t=""
  [ "$transport" != auto ] && t=", transport: $transport"
  cat >"$OUT/$name.yaml" <<EOF
listen: { http: $port, admin: $admin$t }
affinity:
  cookie: turnout
  secret: bench-secret-not-for-production
shutdown: { drainDelay: 0s, timeout: 2s }
$yaml
hosts:
  - host: bench.example.com
    routes:
      - path: /
        versions:
          - name: blue
            weight: 90
            endpoints: ["127.0.0.1:29101"]
          - name: green
            weight: 10
            endpoints: ["127.0.0.1:29102"]
EOF
  # shellcheck disable=SC2086
  java $opts -jar "$jar" --config "$OUT/$name.yaml" $args >"$OUT/$name.out" 2>"$OUT/$name.err" &
  echo $!
}
A_PID=$(start_gateway a 28081 29901 "$A_JAR" "$A_OPTS" "$A_YAML" "$A_ARGS" "$A_TRANSPORT")
B_PID=$(start_gateway b 28082 29902 "$B_JAR" "$B_OPTS" "$B_YAML" "$B_ARGS" "$B_TRANSPORT")
PIDS+=("$A_PID" "$B_PID")
for port in 29901 29902; do
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    sleep 0.3
  done
done
grep -h "listening" "$OUT/a.err" "$OUT/b.err" || true

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hwm_kb() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

run_wrk() { # port seconds -> "requests p99_us"
  wrk -t2 -c"$CONNS" -d"$2s" --timeout 5s --latency -H 'Host: bench.example.com' -H "$HEADERS" \
    "http://127.0.0.1:$1$PATH_" >"$OUT/wrk.txt" 2>&1
  local req p99
  req=$(awk '/requests in/ {print $1}' "$OUT/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; print v}' "$OUT/wrk.txt")
  echo "$req ${p99:-0}"
}

echo "warm-up ${WARMUP}s each"
run_wrk 28081 "$WARMUP" >/dev/null
run_wrk 28082 "$WARMUP" >/dev/null

HZ=$(getconf CLK_TCK)
echo "uptime before: $(uptime)"
printf '%-6s %-3s %10s %9s %10s %8s\n' round var "req/s" "p99 ms" "CPU s/10k" "RSS MiB"
: >"$OUT/rounds.txt"
for r in $(seq 1 "$ROUNDS"); do
  # Odd rounds run A first, even rounds B first: whichever runs second in a pair meets a warmer
  # machine (page cache, CPU frequency, the other gateway's GC), and alternating cancels that.
  order="a b"
  [ $((r % 2)) -eq 0 ] && order="b a"
  for v in $order; do
    if [ $v = a ]; then pid=$A_PID port=28081; else pid=$B_PID port=28082; fi
    echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || true
    t0=$(cpu_ticks "$pid")
    read -r req p99 < <(run_wrk "$port" "$DURATION")
    t1=$(cpu_ticks "$pid")
    rss=$(hwm_kb "$pid")
    awk -v r="$r" -v v="$v" -v req="$req" -v p99="$p99" -v d="$DURATION" -v t="$((t1 - t0))" \
      -v hz="$HZ" -v rss="$rss" 'BEGIN {
        printf "%-6s %-3s %10.0f %9.2f %10.3f %8.0f\n", r, v, req / d, p99, t / hz / req * 10000, rss / 1024
      }' | tee -a "$OUT/rounds.txt"
  done
done
echo "uptime after: $(uptime)"

awk '
  function median(arr, n,   i, j, t) {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (arr[j] < arr[i]) { t = arr[i]; arr[i] = arr[j]; arr[j] = t }
    return n % 2 ? arr[(n + 1) / 2] : (arr[n / 2] + arr[n / 2 + 1]) / 2
  }
  { n[$2]++; q[$2, n[$2]] = $3; p[$2, n[$2]] = $4; c[$2, n[$2]] = $5; m[$2, n[$2]] = $6
    rr[$2, $1] = $3; rcpu[$2, $1] = $5; if ($1 > last) last = $1 }
  END {
    for (r = 1; r <= last; r++) if ((("a", r) in rr) && (("b", r) in rr)) {
      k++; rq[k] = rr["a", r] / rr["b", r]; rc[k] = rcpu["a", r] / rcpu["b", r]
    }
    for (v in n) {
      for (i = 1; i <= n[v]; i++) { a1[i] = q[v, i]; a2[i] = p[v, i]; a3[i] = c[v, i]; a4[i] = m[v, i] }
      printf "median %-3s %10.0f %9.2f %10.3f %8.0f\n", v, median(a1, n[v]), median(a2, n[v]), median(a3, n[v]), median(a4, n[v])
    }
    printf "median of per-round ratios A/B: req/s %.3f, CPU per request %.3f (%d pairs)\n", median(rq, k), median(rc, k), k
  }' "$OUT/rounds.txt"
