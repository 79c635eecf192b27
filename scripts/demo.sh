#!/usr/bin/env bash
# Sets up everything that is missing (system packages, dictionary, index) and serves
# the demo municipality 窓口市 (fictional): open the printed URL in a browser.
# Usage: bash scripts/demo.sh            (Ctrl-C stops; MADOGUCHI_ADDR=0.0.0.0:8080 to expose)
#        MADOGUCHI_DEMO_SMOKE=1 bash scripts/demo.sh   (start, check, ask, stop: for CI)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "==> building madoguchi (release)"
cargo build --release --locked --quiet
bin=target/release/madoguchi

"$bin" dict build
"$bin" index

if [ -z "${MADOGUCHI_DEMO_SMOKE:-}" ]; then
  exec "$bin" serve
fi

# Smoke mode: serve on a free port, check readiness and one answer, stop with SIGTERM.
command -v curl >/dev/null || apt_install curl
log=$(mktemp)
"$bin" serve --addr 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "serving on" "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -n 1)
cat "$log"
curl -fsS "$url/readyz"; echo
curl -fsS -X POST "$url/v1/ask" -H 'content-type: application/json' \
  -d '{"q":"マイナンバーカードを紛失しました","tenant":"990001"}' | grep -q '"id":"mynumber-card-lost"'
echo "demo answered the card-loss question correctly"
kill -TERM $pid; wait $pid
echo "demo stopped cleanly"
