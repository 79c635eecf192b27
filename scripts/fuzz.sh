#!/usr/bin/env bash
# Fuzzes madoguchi's input boundaries with cargo-fuzz (targets in fuzz/): normalization
# and analysis, knowledge files, CSV import, /v1/ask bodies. Each target runs for
# FUZZ_SECONDS (default 60) on a temporary copy of its committed seeds, so the tree
# stays clean. Exits 1 if any target crashed, naming the input and how to replay it.
#
# Usage: bash scripts/fuzz.sh [target ...]        (default: every target)
#   FUZZ_SECONDS=300       time per target
#   FUZZ_SANITIZER=address build with AddressSanitizer (default none: the code is safe
#                          Rust, and without it the build is faster and runs go further)
#   FUZZ_STABLE=1          use the stable toolchain with RUSTC_BOOTSTRAP=1 even when a
#                          nightly is installed (what a fresh CI machine does)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh # mecab-ipadic: the targets build the dictionary like the engine

cargo_fuzz_version=0.13.2
seconds="${FUZZ_SECONDS:-60}"
sanitizer="${FUZZ_SANITIZER:-none}"
all_targets=(normalize_tokenize knowledge_loader csv_import ask_request)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "==> installing cargo-fuzz $cargo_fuzz_version"
  cargo install --locked --version "$cargo_fuzz_version" cargo-fuzz
fi

# libFuzzer instrumentation needs nightly flags: a nightly if there is one, else the
# stable compiler with RUSTC_BOOTSTRAP=1 (the only toolchain a fresh machine has).
toolchain=()
if [ "${FUZZ_STABLE:-}" != 1 ] && rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  toolchain=(+nightly)
  echo "==> toolchain: nightly ($(rustc +nightly --version))"
else
  export RUSTC_BOOTSTRAP=1
  echo "==> toolchain: $(rustc --version) with RUSTC_BOOTSTRAP=1"
fi

# cargo-fuzz has no --locked: check the committed fuzz/Cargo.lock first.
cargo "${toolchain[@]}" fetch --locked --manifest-path fuzz/Cargo.toml --quiet
echo "==> building fuzz targets (sanitizer: $sanitizer)"
cargo "${toolchain[@]}" fuzz build --sanitizer "$sanitizer"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=()
for t in "${targets[@]}"; do
  echo "==> fuzzing $t for ${seconds}s"
  mkdir -p "$work/$t" "fuzz/artifacts/$t"
  cp -r "fuzz/corpus/$t/." "$work/$t/"
  log="$work/$t.log"
  status=0
  cargo "${toolchain[@]}" fuzz run --sanitizer "$sanitizer" "$t" "$work/$t" -- \
    -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-10}" -print_final_stats=1 \
    -artifact_prefix="$PWD/fuzz/artifacts/$t/" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    echo "    $t: ${runs:-?} executions in ${seconds}s, corpus $(ls "$work/$t" | wc -l) inputs"
  else
    failed+=("$t")
    artifact=$(grep -oE '(crash|leak|timeout|oom|slow-unit)-[0-9a-f]+' "$log" | tail -1 || true)
    # The panic message (or libFuzzer's error), not the backtrace that follows it.
    grep -m1 -A6 -E "panicked at|ERROR: libFuzzer" "$log" || tail -n 30 "$log"
    echo "!!! $t failed (exit $status) after ${runs:-?} executions"
    if [ -n "$artifact" ]; then
      echo "    input: fuzz/artifacts/$t/$artifact"
      echo "    reproduce: ${RUSTC_BOOTSTRAP:+RUSTC_BOOTSTRAP=1 }cargo ${toolchain[*]:+${toolchain[*]} }fuzz run --sanitizer $sanitizer $t fuzz/artifacts/$t/$artifact"
    fi
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "==> fuzzing found problems in: ${failed[*]}"
  exit 1
fi
echo "==> fuzzing: no crashes"
