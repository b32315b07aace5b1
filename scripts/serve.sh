#!/usr/bin/env bash
# Command 1: install what is needed, build, and serve the demo on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node scripts/serve.mjs "${PORT:-8080}"
