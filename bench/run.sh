#!/usr/bin/env bash
# The whole benchmark in one command, from any directory:
#
#   bench/run.sh            # install what is missing, build, JMH, load benchmark, report
#   bench/run.sh --quick    # a smoke run: 3 s per run, 1 round (numbers not for the record)
#   bench/run.sh --jmh-only | --load-only | --report-only
#   bench/run.sh --mirror-only   # only the mirror benchmark (100% mirror to a slow version)
#   bench/run.sh --h2-only       # only the HTTP/2 scenario (TLS, h2load, many streams per connection)
#   bench/run.sh --targets-only  # what the performance targets need: load, HTTP/2, access log, report
#
# Writes bench/results/RESULTS.md, load-chart.png, load-runs.csv, load-meta.json, jmh.json and
# configs/, MIRROR.md + mirror-runs.csv, H2.md + h2-runs.csv (bench/h2.sh), and accesslog-ab.txt
# (bench/ab.sh: the access log on against off, small GETs). Everything listens on 127.0.0.1; every load run is bounded by its duration.
# Environment: DURATION (s per run, default 8), ROUNDS (3), WARMUP (s per target, 120: two passes
# over every load shape; the JVM's JIT keeps recompiling for a minute or two after the traffic's mix
# changes on 2 busy cores; nginx and HAProxy need none).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-8}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-120}
JMH=1 LOAD=1 REPORT=1 MIRROR=1 H2=1 ACCESSLOG=1
JMH_ARGS=()
case "${1:-}" in
  --quick) DURATION=3 ROUNDS=1 WARMUP=4 JMH_ARGS=(-wi 1 -i 1 -w 500ms -r 500ms) ;;
  --jmh-only) LOAD=0 MIRROR=0 H2=0 ACCESSLOG=0 ;;
  --load-only) JMH=0 MIRROR=0 H2=0 ACCESSLOG=0 ;;
  --report-only) JMH=0 LOAD=0 MIRROR=0 H2=0 ACCESSLOG=0 ;;
  --mirror-only) JMH=0 LOAD=0 REPORT=0 H2=0 ACCESSLOG=0 ;;
  --h2-only) JMH=0 LOAD=0 REPORT=0 MIRROR=0 ACCESSLOG=0 ;;
  --targets-only) JMH=0 MIRROR=0 ;;
  "") ;;
  *) echo "usage: bench/run.sh [--quick|--jmh-only|--load-only|--report-only|--mirror-only|--h2-only|--targets-only]" >&2; exit 2 ;;
esac

say() { echo "[run.sh] $*"; }

install_missing() {
  local missing=()
  command -v nginx >/dev/null || missing+=(nginx)
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v wrk >/dev/null || missing+=(wrk)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing from Debian: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  # A package may start its own daemon on port 80 from /etc; the benchmark starts its own.
  for d in nginx haproxy; do
    if [ -f /run/$d.pid ] && kill -0 "$(cat /run/$d.pid)" 2>/dev/null; then
      say "stopping the $d daemon the package started (pid $(cat /run/$d.pid))"
      $sudo kill "$(cat /run/$d.pid)" || true
    fi
  done
}

if [ $LOAD -eq 1 ] || [ $H2 -eq 1 ]; then
  install_missing
fi
if [ $H2 -eq 1 ] && ! command -v h2load >/dev/null; then
  say "installing h2load (nghttp2-client) from Debian"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q nghttp2-client
fi
if [ $MIRROR -eq 1 ] && ! command -v wrk >/dev/null; then
  say "installing wrk from Debian"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q wrk
fi
if [ $JMH -eq 1 ] || [ $LOAD -eq 1 ] || [ $MIRROR -eq 1 ] || [ $H2 -eq 1 ] || [ ! -f bench/target/turnout-bench.jar ]; then
  say "building gateway and bench"
  mvn -B -q -DskipTests package -pl gateway,bench -am
fi

# Run from copies, so a rebuild while the benchmark runs cannot swap a jar under it.
RUN=bench/target/run
mkdir -p "$RUN" bench/results
cp gateway/target/turnout-gateway.jar bench/target/turnout-bench.jar "$RUN/"

if [ $JMH -eq 1 ]; then
  say "JMH microbenchmarks (-prof gc), about 2 minutes"
  java -jar "$RUN/turnout-bench.jar" -prof gc -rf json -rff bench/results/jmh.json \
    "${JMH_ARGS[@]}" > bench/target/jmh.log 2>&1 || { tail -30 bench/target/jmh.log; exit 1; }
  grep -E '^(Benchmark|[A-Za-z].* avgt )' bench/target/jmh.log || true
fi

if [ $LOAD -eq 1 ]; then
  say "load benchmark: $ROUNDS rounds x $DURATION s per run, $WARMUP s warm-up per target"
  java -cp "$RUN/turnout-bench.jar" io.turnout.bench.load.LoadBench \
    --duration "$DURATION" --rounds "$ROUNDS" --warmup "$WARMUP" \
    --gateway-jar "$RUN/turnout-gateway.jar" --work bench/target/load --out bench/results
fi

if [ $MIRROR -eq 1 ]; then
  say "mirror benchmark: live path with and without a 100% mirror to a slow version"
  java -cp "$RUN/turnout-bench.jar" io.turnout.bench.load.MirrorBench \
    --duration "$DURATION" --rounds "$ROUNDS" --warmup "$(( WARMUP < 10 ? WARMUP : 10 ))" \
    --gateway-jar "$RUN/turnout-gateway.jar" --work bench/target/mirror --out bench/results
  cat bench/results/MIRROR.md
fi

if [ $H2 -eq 1 ]; then
  say "HTTP/2 scenario: TLS, h2load, many streams per connection (bench/h2.sh)"
  if [ "${1:-}" = "--quick" ]; then
    H2_DURATION=${H2_DURATION:-2} H2_WARMUP=${H2_WARMUP:-3} ROUNDS=1 bench/h2.sh
  else
    ROUNDS=$ROUNDS bench/h2.sh
  fi
fi

if [ $ACCESSLOG -eq 1 ]; then
  say "access log cost: bench/ab.sh, log on (A) against off (B), small GETs"
  REC_OPTS="-Xms32m -Xmx128m -Xmn16m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:+UseSerialGC -Xss256k -XX:ReservedCodeCacheSize=32m -XX:MaxDirectMemorySize=128m -XX:TrimNativeHeapInterval=5000"
  if [ "${1:-}" = "--quick" ]; then AB_ROUNDS=1 AB_WARMUP=4; else AB_ROUNDS=10 AB_WARMUP=30; fi
  A_JAR="$RUN/turnout-gateway.jar" B_JAR="$RUN/turnout-gateway.jar" BENCH_JAR="$RUN/turnout-bench.jar" \
    A_OPTS="$REC_OPTS" B_OPTS="$REC_OPTS" A_YAML='accessLog: true' B_YAML='accessLog: false' \
    ROUNDS=$AB_ROUNDS WARMUP=$AB_WARMUP DURATION=$DURATION OUT=bench/target/accesslog \
    bench/ab.sh | tee bench/results/accesslog-ab.txt
fi

if [ $REPORT -eq 1 ] && [ -f bench/results/load-runs.csv ]; then
  java -cp "$RUN/turnout-bench.jar" io.turnout.bench.report.Report bench/results
  say "done: bench/results/RESULTS.md"
fi
