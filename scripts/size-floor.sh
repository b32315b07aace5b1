#!/usr/bin/env bash
# What the widget's stack costs before any of its own code: builds bench/size-floor (a
# minimal Yew app) as scripts/build.sh builds the widget (release, opt-level "z", LTO,
# wasm-bindgen, wasm-opt -Oz), alone and with serde_json and unicode-segmentation, and
# prints each wasm's and JS glue's size, raw and gzip -9. Not part of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x node_modules/.bin/wasm-opt ] || npm ci --silent
crate=bench/size-floor
# The same versions as the widget's.
cp Cargo.lock "$crate/Cargo.lock"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '| build | wasm raw | wasm gzip -9 | JS gzip -9 |\n|---|---:|---:|---:|\n'
for features in "" json segmentation json,segmentation; do
  cargo build --quiet --release --target wasm32-unknown-unknown --manifest-path "$crate/Cargo.toml" \
    --target-dir target/size-floor ${features:+--features "$features"}
  rm -rf "$out/pkg"
  wasm-bindgen --target web --out-dir "$out/pkg" --out-name floor target/size-floor/wasm32-unknown-unknown/release/size_floor.wasm
  scripts/wasm-opt.sh "$out/pkg/floor_bg.wasm"
  printf '| Yew%s | %s | %s | %s |\n' "${features:+ + $features}" "$(wc -c < "$out/pkg/floor_bg.wasm")" \
    "$(gzip -9 -c "$out/pkg/floor_bg.wasm" | wc -c)" "$(gzip -9 -c "$out/pkg/floor.js" | wc -c)"
done
