#!/usr/bin/env bash
# Curation load and fault test against the release server:
#  1. 20,000 asks (30% out of scope), then SIGTERM: every acknowledged abstain is stored;
#  2. 10,000 asks with a SIGKILL halfway, restart on the same data: the database passes
#     SQLite's integrity check and everything acknowledged after the restart is stored.
# Usage: bash scripts/load-curation.sh [--asks N] [--oos 0.3] [--threads 8]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
python3 bench/curation_load.py target/release/madoguchi "$@"
python3 bench/curation_load.py target/release/madoguchi --asks 10000 --kill
