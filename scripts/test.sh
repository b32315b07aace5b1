#!/usr/bin/env bash
# Command 2: install what is needed, then run every test:
#   1. native tests of the core (cargo test),
#   2. the team server's tests: its own throwaway PostgreSQL cluster, real server
#      processes over HTTP (cargo test -p article-annotator-server),
#   3. browser tests (wasm-bindgen-test in headless Chromium),
#   4. the release build, and end-to-end tests against the served demo (node --test).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[test]\033[0m %s\n' "$*"; }

scripts/setup.sh --browser --postgres

say "1/4 native tests (cargo test)"
cargo test --locked

say "2/4 team server tests (a throwaway PostgreSQL cluster, server processes over HTTP)"
cargo test --locked -p article-annotator-server

say "3/4 browser tests (wasm-bindgen-test in headless Chromium)"
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" \
  cargo test --locked --target wasm32-unknown-unknown --test web

say "4/4 end-to-end tests (release build served on 127.0.0.1, Chromium via playwright-core)"
scripts/build.sh
node --test --test-concurrency=1 tests/e2e/
