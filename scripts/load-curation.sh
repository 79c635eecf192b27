#!/usr/bin/env bash
# Curation load test: 20,000 asks (30% out of scope) against the release server, then
# SIGTERM; checks that every acknowledged abstain reached the curation database.
# Usage: bash scripts/load-curation.sh [--asks N] [--oos 0.3] [--threads 8]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
python3 bench/curation_load.py target/release/madoguchi "$@"
