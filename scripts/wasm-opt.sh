#!/usr/bin/env bash
# Optimises a wasm-bindgen module for size in place: wasm-opt -Oz from npm's binaryen (the
# only one here that parses wasm-bindgen 0.2.130's output), with the features that output
# uses. Used by scripts/build.sh for the widget and scripts/size-floor.sh for the floor,
# so both are optimised alike. Usage: scripts/wasm-opt.sh FILE.wasm
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  "$1" -o "$1"
