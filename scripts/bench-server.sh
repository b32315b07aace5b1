#!/usr/bin/env bash
# The team server's load benchmark (server/examples/load.rs): a throwaway PostgreSQL, one
# optimised server process, 50 writers on 50 articles, then readers of a 10,000-annotation
# container. Loopback only; bounded in time and count. Not part of the test command.
#   scripts/bench-server.sh [--writers 50] [--seconds 10] [--container 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --server-only
cargo build --locked --quiet --profile server -p article-annotator-server
cargo run --locked --quiet --profile server -p article-annotator-server --example load -- "$@"
