#!/usr/bin/env bash
# Builds the widget: pkg/ (wasm-bindgen --target web, size-optimised with wasm-opt)
# and the demo site in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

say "compiling to wasm32 (release, optimised for size)"
cargo build --quiet --release --lib --target wasm32-unknown-unknown
say "generating JS bindings into pkg/"
wasm-bindgen --target web --out-dir pkg --out-name article_annotator \
  target/wasm32-unknown-unknown/release/article_annotator.wasm
say "optimising pkg/article_annotator_bg.wasm with wasm-opt -Oz"
node_modules/.bin/wasm-opt -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/article_annotator_bg.wasm -o pkg/article_annotator_bg.wasm

say "assembling the demo site in dist/"
rm -rf dist && mkdir -p dist/pkg
cp pkg/article_annotator.js pkg/article_annotator_bg.wasm pkg/article_annotator.d.ts dist/pkg/
cp index.html www/demo.js www/annotator.css www/favicon.svg dist/
cp tests/fixtures/moscow-times-2014-08-18.md dist/sample-article.md
wasm=$(wc -c < dist/pkg/article_annotator_bg.wasm)
gz=$(gzip -9 -c dist/pkg/article_annotator_bg.wasm | wc -c)
say "done: wasm ${wasm} bytes (${gz} gzip -9)"
