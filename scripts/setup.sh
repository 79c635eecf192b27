#!/usr/bin/env bash
# Installs what a fresh machine lacks for madoguchi, and nothing else. Sourced by the
# other scripts; safe to run again (every step checks before it acts).
set -euo pipefail

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root (or sudo)" >&2; return 1; fi
}

# IPADIC sources (EUC-JP CSVs, matrix.def, …) from Debian's mecab-ipadic package: the
# dictionary is built from them locally, so nothing is downloaded at build time.
ipadic_src="${MADOGUCHI_IPADIC_SOURCE:-/usr/share/mecab/dic/ipadic}"
if [ ! -f "$ipadic_src/matrix.def" ]; then
  echo "==> installing mecab-ipadic (IPADIC dictionary sources)"
  need_root apt-get update -qq
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mecab-ipadic >/dev/null
fi

if ! command -v cargo >/dev/null; then
  echo "error: cargo not found. Install Rust (https://rustup.rs) or Debian's cargo package." >&2
  exit 1
fi
