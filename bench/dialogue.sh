#!/usr/bin/env bash
# Prints the dialogue figures: server time of the national coverage API and page with
# ten years of dialogues for all embeter, and requests/s for a published report page.
# Loopback only; the server it starts is stopped by its process id.
#
# Usage: bench/dialogue.sh   (builds the release binary; installs wrk if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin samla >/dev/null 2>&1 || cargo build --release --bin samla
BIN="$PWD/target/release/samla"
DIR=$(mktemp -d)
PORT=${SAMLA_BENCH_PORT:-18098}
DB="$DIR/bench.db"
trap 'rm -rf "$DIR"' EXIT
export SAMLA_LOG=warn

# The demo world first (regions, users, the demo rounds), then ten yearly rounds for
# every embete with every second unit, so coverage has real volume to chew on.
SAMLA_DATABASE_URL="sqlite://$DB" SAMLA_LISTEN="127.0.0.1:$PORT" "$BIN" serve --demo >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.05; done
kill -TERM "$pid"; wait "$pid" 2>/dev/null || true

python3 - "$DB" <<'PY'
import sqlite3, sys, random
db = sqlite3.connect(sys.argv[1])
random.seed(42)
stages = ["planned", "invited", "accepted", "leaders_meeting_held", "youth_meeting_held", "report_drafted", "report_approved", "published"]
embeter = [r[0] for r in db.execute("SELECT DISTINCT code FROM embete_name")]
n = 0
for year in range(2017, 2027):
    on = f"{max(year, 2019)}-06-01"
    for e in embeter:
        cur = db.execute("INSERT INTO cycle (embete, name, starts_on, ends_on, created_at) VALUES (?, ?, ?, ?, 0)",
                         (e, f"Bench {year}", f"{year}-01-01", f"{year}-12-31"))
        cycle = cur.lastrowid
        units = db.execute("SELECT number, name FROM municipality WHERE embete = ? AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)", (e, on, on)).fetchall()
        for number, name in units[::2]:
            stage = random.choice(stages)
            db.execute("INSERT INTO dialogue (cycle_id, unit_kind, unit_number, unit_name, stage, stage_date, version, created_at) VALUES (?, 'municipality', ?, ?, ?, ?, 1, 0)",
                       (cycle, number, name, stage, f"{year}-10-01"))
            n += 1
db.commit()
total = db.execute("SELECT COUNT(*) FROM dialogue").fetchone()[0]
print(f"loaded {n} bench dialogues; {total} dialogues in all")
PY

SAMLA_DATABASE_URL="sqlite://$DB" SAMLA_LISTEN="127.0.0.1:$PORT" "$BIN" serve >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.05; done

measure() {
  local label=$1 url=$2
  for _ in 1 2 3; do curl -fs -o /dev/null "$url"; done
  for _ in $(seq 1 50); do curl -fs -o /dev/null -w "%{time_total}\n" "$url"; done | sort -n | awk -v label="$label" '
    { t[NR] = $1 * 1000 }
    END { printf "%s: p50 %.1f ms, p95 %.1f ms, max %.1f ms (50 requests, loopback)\n", label, t[int(NR*0.5)], t[int(NR*0.95)], t[NR] }'
}
measure "national coverage API" "http://127.0.0.1:$PORT/api/v1/dialogue/coverage"
measure "national coverage page" "http://127.0.0.1:$PORT/coverage"
measure "embete coverage API (Oslo og Viken, 2021)" "http://127.0.0.1:$PORT/api/v1/dialogue/coverage?embete=oslo-og-viken&date=2021-06-01"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fi
echo "published report page (Bydel Bjerke), 2 threads, 32 connections, 10 s:"
wrk -t2 -c32 -d10s "http://127.0.0.1:$PORT/dialogues/1" | grep -E "Requests/sec|Latency|requests in"

kill -TERM "$pid"
wait "$pid" 2>/dev/null || true
