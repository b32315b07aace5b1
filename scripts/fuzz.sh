#!/usr/bin/env bash
# Runs every cargo-fuzz target (or those named) for SECONDS each (default 600), JOBS at
# a time (default 1), and prints each target's executions and findings.
#   scripts/fuzz.sh [--seconds N] [--jobs N] [target ...]
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`); not part of
# the test command. Crashes land in fuzz/artifacts/<target>/; turn each into a test.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=600 jobs=1 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
cargo +nightly fuzz build
mkdir -p logs
run() {
  local t=$1
  mkdir -p "corpus/$t"
  if cargo +nightly fuzz run "$t" "corpus/$t" "seeds/$t" -- -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 >"logs/$t.log" 2>&1; then
    status=ok
  else
    status="FAILED (see fuzz/logs/$t.log and fuzz/artifacts/$t/)"
  fi
  local execs; execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "logs/$t.log" | tail -1)
  printf '%-22s %10s executions in %ss  %s\n' "$t" "${execs:-?}" "$seconds" "$status"
}
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do sleep 1; done
  run "$t" &
done
wait
