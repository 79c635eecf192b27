#!/usr/bin/env bash
# Sustained load of POST /v1/ask with wrk (not in CI: it runs for minutes). Builds the
# release binary, serves the demo knowledge on a temporary data folder with the rate
# limit raised, sweeps the connection count (unless given), warms up, loads for
# DURATION seconds, samples the server's RSS, reads the curation counters, then stops
# the server with SIGTERM and checks its exit code. Markdown summary on stdout and in
# target/load-sustained.md.
# Usage: DURATION=60 CONNECTIONS=auto bash scripts/load-sustained.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
command -v wrk >/dev/null || apt_install wrk
cargo build --release --locked --quiet
python3 bench/load_sustained.py target/release/madoguchi \
  --duration "${DURATION:-60}" --connections "${CONNECTIONS:-auto}" \
  --threads "${THREADS:-2}" --out target/load-sustained.md
