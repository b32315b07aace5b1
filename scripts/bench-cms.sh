#!/usr/bin/env bash
# What the widget costs a CMS article page (bench/browser/cms.mjs): the CMS demo with a
# 1,000-word article and 100 stored annotations against the same page without the
# widget, at 1x and 4x CPU: bytes before the first highlight, CLS, the longest task, TBT,
# LCP, navigation -> highlights painted. Loopback only. Not part of the test command.
#   scripts/bench-cms.sh [--rounds 3] [--loading eager|idle|interaction]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
scripts/build.sh
node bench/browser/cms.mjs "$@"
