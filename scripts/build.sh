#!/usr/bin/env bash
# Builds the widget: pkg/ (wasm-bindgen --target web, size-optimised with wasm-opt)
# and the demo site in dist/.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[build]\033[0m %s\n' "$*"; }

# Two modules from one source (issue 18): the widget without the formats, and the
# formats part, which the widget fetches on first use (src/parts.rs). Two cargo runs, as
# features unify within one.
say "compiling to wasm32 (release, optimised for size): the widget, then the formats part"
CARGO_PROFILE_RELEASE_PANIC=abort cargo build --quiet --release --lib --target wasm32-unknown-unknown --no-default-features --features widget
CARGO_PROFILE_RELEASE_PANIC=abort cargo build --quiet --release -p article-annotator-formats --target wasm32-unknown-unknown
say "generating JS bindings into pkg/"
rm -rf pkg/snippets
wasm-bindgen --target web --out-dir pkg --out-name article_annotator \
  target/wasm32-unknown-unknown/release/article_annotator.wasm
wasm-bindgen --target web --out-dir pkg --out-name article_annotator_formats \
  target/wasm32-unknown-unknown/release/article_annotator_formats.wasm
say "optimising both with wasm-opt -Oz"
scripts/wasm-opt.sh pkg/article_annotator_bg.wasm
scripts/wasm-opt.sh pkg/article_annotator_formats_bg.wasm

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
    "./article_annotator_bg.wasm": "./article_annotator_bg.wasm",
    "./article_annotator_formats.js": "./article_annotator_formats.js",
    "./article_annotator_formats_bg.wasm": "./article_annotator_formats_bg.wasm"
  },
  "files": ["article_annotator.js", "article_annotator.d.ts", "article_annotator_bg.wasm", "article_annotator_bg.wasm.d.ts", "article_annotator_formats.js", "article_annotator_formats_bg.wasm", "snippets/", "element.js", "element.d.ts"],
  "sideEffects": ["./element.js"]
}
JSON

say "assembling the demo site in dist/"
rm -rf dist && mkdir -p dist/pkg
cp pkg/article_annotator.js pkg/article_annotator_bg.wasm pkg/article_annotator.d.ts pkg/element.js pkg/package.json \
  pkg/article_annotator_formats.js pkg/article_annotator_formats_bg.wasm dist/pkg/
cp -r pkg/snippets dist/pkg/
cp index.html www/demo.js www/sw.js www/demo.css www/favicon.svg www/photo.svg www/cms-demo.html www/cms-demo.css www/cms-demo.js dist/
cp tests/fixtures/moscow-times-2014-08-18.md dist/sample-article.md
# The service worker keeps the glue's snippets too (their folder's name is a hash).
snippets=$(cd dist && find pkg/snippets -type f -name '*.js' | sort | sed "s/.*/'&',/" | tr '\n' ' ')
sed -i "s|/\* snippets \*/|${snippets}|" dist/sw.js
wasm=$(wc -c < dist/pkg/article_annotator_bg.wasm)
gz=$(gzip -9 -c dist/pkg/article_annotator_bg.wasm | wc -c)
part=$(wc -c < dist/pkg/article_annotator_formats_bg.wasm)
partgz=$(gzip -9 -c dist/pkg/article_annotator_formats_bg.wasm | wc -c)
say "done: the widget's wasm ${wasm} bytes (${gz} gzip -9); the formats part ${part} (${partgz})"
