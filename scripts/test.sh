#!/usr/bin/env bash
# Runs every test, on a fresh machine too: installs what is missing first.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
setup_browser_tests

cargo test --locked --all-targets --no-fail-fast

echo "==> browser tests (headless Chromium against the real server)"
cargo build --release --locked --quiet
(cd tests/browser && node --test)
