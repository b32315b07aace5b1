#!/usr/bin/env bash
# The benchmarks (not part of the test command): the browser benchmark of the widget
# against the CSS Custom Highlight API floor, writing docs/PERFORMANCE.md, and the
# native criterion benchmarks of the core. Arguments go to the browser benchmark.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
scripts/build.sh
node bench/browser/run.mjs "$@"
