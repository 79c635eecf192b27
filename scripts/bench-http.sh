#!/usr/bin/env bash
# Load benchmark of POST /v1/ask (keyword path) with wrk, on loopback only.
# Not a test: run it and report the numbers. Usage: bash scripts/bench-http.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
command -v wrk >/dev/null || apt_install wrk
duration="${1:-20}"
connections="${2:-64}"
cargo build --release --locked --quiet
bin=target/release/madoguchi
# The per-client rate limit would throttle a single load generator: raise it here.
config=$(mktemp --suffix .toml)
printf '[server]\nrate_limit_per_second = 1000000\nrate_limit_burst = 1000000\n' > "$config"
log=$(mktemp)
"$bin" --config "$config" serve --quiet --addr 127.0.0.1:0 >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do grep -q "serving on" "$log" && break; sleep 0.1; done
url=$(grep -o 'http://[0-9.:]*' "$log" | head -n 1)
echo "==> wrk: ${duration}s, ${connections} connections, 2 threads, against $url/v1/ask"
wrk -t2 -c"$connections" -d"${duration}s" --latency -s bench/ask.lua "$url"
echo "==> server RSS: $(ps -o rss= -p $pid | awk '{printf "%.1f MB", $1/1024}')"
