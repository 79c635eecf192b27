#!/usr/bin/env bash
# Regenerates docs/performance.md: index build, start-up, per-path ask latency and RSS
# at growing knowledge sizes (grown from knowledge/ into a temporary folder). CI runs a
# 1,000-entry smoke pass into target/; the full run (100,000 entries) takes many minutes.
# Usage: bash scripts/perf-report.sh [--sizes 1000,10000,100000] [--rounds 3] [--out docs/performance.md]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
cargo build --release --locked --quiet --bin madoguchi --example perf_probe
target/release/madoguchi -q dict build >/dev/null
python3 bench/perf_report.py target/release/madoguchi target/release/examples/perf_probe "$@"
