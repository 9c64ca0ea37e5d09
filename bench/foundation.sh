#!/usr/bin/env bash
# Prints the foundation's figures: region import time (first and repeated run),
# start-up time to the first healthy response, and idle memory of the demo server.
# Loopback only; every process it starts, it stops by its process id.
#
# Usage: bench/foundation.sh   (builds the release binary first if needed)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin samla >/dev/null 2>&1 || cargo build --release --bin samla
BIN="$PWD/target/release/samla"
DIR=$(mktemp -d)
PORT=${SAMLA_BENCH_PORT:-18099}
trap 'rm -rf "$DIR"' EXIT
export SAMLA_LOG=warn

now_ms() { date +%s%3N; }

echo "== region import (SQLite, empty database)"
SAMLA_DATABASE_URL="sqlite://$DIR/import.db" "$BIN" import-regions
echo "== region import again (nothing to change)"
SAMLA_DATABASE_URL="sqlite://$DIR/import.db" "$BIN" import-regions

start_and_measure() {
  local label=$1; shift
  local t0 t1 pid
  t0=$(now_ms)
  SAMLA_DATABASE_URL="sqlite://$DIR/serve.db" SAMLA_LISTEN="127.0.0.1:$PORT" "$BIN" serve "$@" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 2000); do
    if curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.005
  done
  t1=$(now_ms)
  echo "$label: first healthy response after $((t1 - t0)) ms"
  sleep 2
  for p in / /regions /regions/municipalities/3242 /api/v1/regions/municipalities; do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT$p"
  done
  # Two logins, as people start the day (password verification is the memory-hungry part).
  for _ in 1 2; do
    curl -fs -o /dev/null -H "Sec-Fetch-Site: same-origin" \
      --data "email=admin%40samla.example&password=samla-demo-2026" "http://127.0.0.1:$PORT/login" || true
  done
  sleep 1
  echo "$label: idle memory $(awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$pid/status") RSS after serving pages and two logins"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
}

echo "== start-up"
start_and_measure "serve --demo on an empty database (migrate, import, demo users)" --demo
start_and_measure "serve on the existing database"
