#!/usr/bin/env bash
# Installs what a fresh machine lacks for madoguchi, and nothing else. Sourced by the
# other scripts; safe to run again (every step checks before it acts).
set -euo pipefail

need_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "error: '$*' needs root (or sudo)" >&2; return 1; fi
}

apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then need_root apt-get update -qq; apt_updated=1; fi
  need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# IPADIC sources (EUC-JP CSVs, matrix.def, …) from Debian's mecab-ipadic package: the
# dictionary is built from them locally, so nothing is downloaded at build time.
ipadic_src="${MADOGUCHI_IPADIC_SOURCE:-/usr/share/mecab/dic/ipadic}"
if [ ! -f "$ipadic_src/matrix.def" ]; then
  echo "==> installing mecab-ipadic (IPADIC dictionary sources)"
  apt_install mecab-ipadic
fi

if ! command -v cargo >/dev/null; then
  echo "error: cargo not found. Install Rust (https://rustup.rs) or Debian's cargo package." >&2
  exit 1
fi

# Browser tests: Debian's Chromium, a Japanese font for readable screenshots, Node.js
# for the test runner. Only when asked (scripts/test.sh), not for serving.
setup_browser_tests() {
  local missing=()
  command -v chromium >/dev/null || missing+=(chromium)
  fc-list 2>/dev/null | grep -qi "ipa" || missing+=(fonts-ipafont-gothic)
  command -v node >/dev/null || missing+=(nodejs npm)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing ${missing[*]} (browser tests)"
    apt_install "${missing[@]}"
  fi
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    echo "==> installing browser test dependencies (npm ci)"
    (cd tests/browser && npm ci --no-audit --no-fund --silent)
  fi
}
