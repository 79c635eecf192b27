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

# ONNX Runtime for dense retrieval, from the PyPI onnxruntime wheel (no build-time
# download, no Python packages installed): only its libonnxruntime.so is extracted into
# data/runtime/. Pinned to the version our ort crate is built for (src/retrieve/dense/model.rs).
ort_version="1.24.4"
ort_lib="${MADOGUCHI_DATA_DIR:-data}/runtime/libonnxruntime.so"
if [ -z "${MADOGUCHI_ORT_LIBRARY:-${ORT_DYLIB_PATH:-}}" ] && [ ! -f "$ort_lib" ]; then
  echo "==> installing ONNX Runtime $ort_version (from the PyPI onnxruntime wheel) into $(dirname "$ort_lib")"
  ort_tmp=$(mktemp -d)
  if python3 -m pip download --quiet --no-deps --only-binary=:all: "onnxruntime==$ort_version" -d "$ort_tmp" \
    && python3 - "$ort_tmp" "$ort_lib" "$ort_version" <<'PY'
import glob, os, shutil, sys, zipfile
tmp, out, version = sys.argv[1:]
wheel = glob.glob(os.path.join(tmp, "onnxruntime-*.whl"))[0]
os.makedirs(os.path.dirname(out), exist_ok=True)
with zipfile.ZipFile(wheel) as z, z.open(f"onnxruntime/capi/libonnxruntime.so.{version}") as src, open(out + ".part", "wb") as dst:
    shutil.copyfileobj(src, dst)
os.replace(out + ".part", out)
PY
  then
    echo "    $ort_lib"
  else
    echo "warning: could not install ONNX Runtime; dense retrieval stays off (keyword retrieval still works)" >&2
  fi
  rm -rf "$ort_tmp"
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
