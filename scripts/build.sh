#!/usr/bin/env bash
# Builds the widget: pkg/ (wasm-bindgen --target web, size-optimised with wasm-opt)
# and the demo site in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

say "compiling to wasm32 (release, optimised for size)"
CARGO_PROFILE_RELEASE_PANIC=abort cargo build --quiet --release --lib --target wasm32-unknown-unknown
say "generating JS bindings into pkg/"
wasm-bindgen --target web --out-dir pkg --out-name article_annotator \
  target/wasm32-unknown-unknown/release/article_annotator.wasm
say "optimising pkg/article_annotator_bg.wasm with wasm-opt -Oz"
scripts/wasm-opt.sh pkg/article_annotator_bg.wasm

say "making pkg/ an npm package (custom element, package.json)"
cp www/element.js www/element.d.ts pkg/
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
cat > pkg/package.json <<JSON
{
  "name": "article-annotator",
  "version": "${version}",
  "description": "Annotate entities and claims in news articles: a WebAssembly widget and <article-annotator> element; exact offsets, W3C Web Annotation export.",
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "module": "article_annotator.js",
  "main": "article_annotator.js",
  "types": "article_annotator.d.ts",
  "exports": {
    ".": { "types": "./article_annotator.d.ts", "default": "./article_annotator.js" },
    "./element": { "types": "./element.d.ts", "default": "./element.js" },
    "./article_annotator_bg.wasm": "./article_annotator_bg.wasm"
  },
  "files": ["article_annotator.js", "article_annotator.d.ts", "article_annotator_bg.wasm", "article_annotator_bg.wasm.d.ts", "element.js", "element.d.ts"],
  "sideEffects": ["./element.js"]
}
JSON

say "assembling the demo site in dist/"
rm -rf dist && mkdir -p dist/pkg
cp pkg/article_annotator.js pkg/article_annotator_bg.wasm pkg/article_annotator.d.ts pkg/element.js pkg/package.json dist/pkg/
cp index.html www/demo.js www/sw.js www/demo.css www/favicon.svg www/photo.svg www/cms-demo.html www/cms-demo.css www/cms-demo.js dist/
cp tests/fixtures/moscow-times-2014-08-18.md dist/sample-article.md
wasm=$(wc -c < dist/pkg/article_annotator_bg.wasm)
gz=$(gzip -9 -c dist/pkg/article_annotator_bg.wasm | wc -c)
say "done: wasm ${wasm} bytes (${gz} gzip -9)"
