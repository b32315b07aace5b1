#!/usr/bin/env bash
# The team sync's figures (bench/browser/team.mjs): load from the server against load
# from localStorage at 100k words x 10k annotations, the live update from one reader's
# add to another's painted highlight, and 1,000 offline edits drained. A throwaway
# PostgreSQL and the optimised server; loopback only. Not part of the test command.
#   scripts/bench-team.sh [--rounds 3] [--words 100000] [--count 10000]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser --postgres
scripts/build.sh
cargo build --locked --quiet --profile server -p article-annotator-server
node bench/browser/team.mjs "$@"
