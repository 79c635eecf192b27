#!/usr/bin/env bash
# Sets up everything that is missing (system packages, dictionary, index) and answers
# demo questions from the shipped knowledge base. Usage: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

echo "==> building madoguchi (release)"
cargo build --release --locked --quiet
bin=target/release/madoguchi

"$bin" dict build
"$bin" index

for q in "マイナンバーカードを紛失しました" "じどうてあて いつ ふりこまれる" "今日の天気は？"; do
  echo
  echo "### $q"
  "$bin" ask --quiet "$q"
done
echo
echo "Ask your own: $bin ask \"質問\"   (JSON: --json; one per line from stdin: ask --json -)"
