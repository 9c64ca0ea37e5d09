#!/usr/bin/env bash
# Prints how long the server takes to answer a report form just under the report's
# 1 MiB body limit, with about 17,000 rows of three fields each (finding F8 of the
# security review: form parsing was quadratic; the target is well under 50 ms). The
# form goes to a published report of the demo staff member's own embete: it is read
# and parsed in full before the report's lock refuses it, and the status is printed so
# that a refusal for size (413) is not mistaken for the figure.
# Loopback only; the server it starts is stopped by its process id.
#
# Usage: bench/forms.sh   (builds the release binary)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin samla >/dev/null 2>&1 || cargo build --release --bin samla
BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/samla"
DIR=$(mktemp -d)
PORT=${SAMLA_BENCH_PORT:-18097}
URL="http://127.0.0.1:$PORT"
export SAMLA_LOG=warn
SAMLA_DATABASE_URL="sqlite://$DIR/bench.db" SAMLA_LISTEN="127.0.0.1:$PORT" "$BIN" serve --demo >/dev/null 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 200); do curl -fs "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.05; done

curl -fs -o /dev/null -c "$DIR/cookies" -H "Sec-Fetch-Site: same-origin" \
  --data "email=saksbehandler%40samla.example&password=samla-demo-2026&next=/" "$URL/login" || true
id=$(curl -fs -b "$DIR/cookies" "$URL/api/v1/dialogue/reports?embete=oslo-og-viken" \
  | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")

python3 - "$DIR/form" <<'PY'
import sys
parts = ["language=nb&version=1"]
size, i = len(parts[0]), 0
while True:
    part = f"finding_body_{i}=x&finding_crc_{i}=12&finding_steps_{i}=2"
    if size + len(part) + 1 > (1 << 20) - 64:
        break
    parts.append(part)
    size += len(part) + 1
    i += 1
open(sys.argv[1], "w").write("&".join(parts))
print(f"form: {size} bytes, {i} rows")
PY

status=$(curl -s -o /dev/null -w "%{http_code}" -b "$DIR/cookies" -H "Sec-Fetch-Site: same-origin" \
  -H "Content-Type: application/x-www-form-urlencoded" --data-binary "@$DIR/form" \
  "$URL/dialogue/dialogues/$id/report")
echo "answer: HTTP $status (the report is published, so the save is refused after parsing)"
for _ in $(seq 1 20); do
  curl -s -o /dev/null -w "%{time_total}\n" -b "$DIR/cookies" -H "Sec-Fetch-Site: same-origin" \
    -H "Content-Type: application/x-www-form-urlencoded" --data-binary "@$DIR/form" \
    "$URL/dialogue/dialogues/$id/report"
done | sort -n | awk '
  { t[NR] = $1 * 1000 }
  END { printf "1 MB report form: p50 %.1f ms, p95 %.1f ms, max %.1f ms (20 requests, loopback)\n", t[int(NR*0.5)], t[int(NR*0.95)], t[NR] }'
