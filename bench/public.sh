#!/usr/bin/env bash
# Public pages at full speed (issue "Ready for real users", point 10). In one run, with
# each server on one core (core 0) and wrk on the other, prints requests per second for:
#   - samla's public report page, against a bare axum + SQLite server (bench/bare) that
#     answers the same report with one query and one template, and the ratio of the two
#     (target: at least 60 %);
#   - an authenticated list page, the case officer's cycles (target: 5,000 per second);
#   - the national coverage API (target: 1,000 per second).
# Loopback only; each wrk run lasts 10 s; the servers it starts are stopped by their ids.
#
# Usage: bench/public.sh   (builds the release binaries; installs wrk if it is missing)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p samla -p samla-bench-bare >/dev/null 2>&1 \
  || cargo build --release -p samla -p samla-bench-bare
BIN="${CARGO_TARGET_DIR:-$PWD/target}/release"
if ! command -v wrk >/dev/null 2>&1; then
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
DIR=$(mktemp -d)
PORT=${SAMLA_BENCH_PORT:-18301}
BARE=$((PORT + 1))
export SAMLA_LOG=warn
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$DIR"; }
trap cleanup EXIT
healthy() { for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }

SAMLA_DATABASE_URL="sqlite://$DIR/samla.db" taskset -c 0 "$BIN/samla" serve --demo --listen "127.0.0.1:$PORT" >/dev/null 2>&1 &
pids+=($!)
healthy "http://127.0.0.1:$PORT/healthz"
id=$(curl -fs "http://127.0.0.1:$PORT/api/v1/dialogue/reports?embete=oslo-og-viken" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")
curl -fs -o /dev/null -c "$DIR/cookies" -H "Sec-Fetch-Site: same-origin" \
  --data "email=saksbehandler%40samla.example&password=samla-demo-2026&next=/" "http://127.0.0.1:$PORT/login" || true
session=$(awk '$6 == "samla_session" { print $7 }' "$DIR/cookies")
"$BIN/samla" --database-url "sqlite://$DIR/samla.db" backup --to "$DIR/bare.db" >/dev/null
taskset -c 0 "$BIN/samla-bench-bare" "$DIR/bare.db" "127.0.0.1:$BARE" >/dev/null 2>&1 &
pids+=($!)
healthy "http://127.0.0.1:$BARE/dialogues/$id"

# Requests per second of one 10-second wrk run on core 1; refuses a run with errors.
rps() {
  local out
  out=$(taskset -c 1 wrk -t1 -c32 -d10s "$@")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "errors in the run: $(grep Non-2xx <<<"$out")" >&2
    exit 1
  fi
  awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out"
}
size() { curl -fs "$@" | wc -c; }

page="/dialogues/$id"
echo "report $page: samla's page $(size "http://127.0.0.1:$PORT$page") bytes, the bare page $(size "http://127.0.0.1:$BARE$page") bytes"
bare=$(rps "http://127.0.0.1:$BARE$page")
samla=$(rps "http://127.0.0.1:$PORT$page")
list=$(rps -H "Cookie: samla_session=$session" "http://127.0.0.1:$PORT/dialogue/cycles")
coverage=$(rps "http://127.0.0.1:$PORT/api/v1/dialogue/coverage")
awk -v b="$bare" -v s="$samla" -v l="$list" -v c="$coverage" 'BEGIN {
  printf "public report page: samla %d req/s, bare axum + SQLite %d req/s: %.0f %% (target 60 %%)\n", s, b, 100 * s / b
  printf "authenticated list page (/dialogue/cycles): %d req/s (target 5000)\n", l
  printf "national coverage API: %d req/s (target 1000)\n", c
}'
