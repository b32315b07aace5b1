#!/usr/bin/env bash
# The converter's benchmark (not a test): a generated brat corpus of N documents
# (default 1,000) converted to doccano and back to brat by the release build; prints
# documents per second and peak memory (GNU time's maximum resident set size) for each
# direction, and checks that the round trip gives back the same texts.
#   scripts/bench-convert.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
say() { printf '\033[1m[bench-convert]\033[0m %s\n' "$*"; }
if [ ! -x /usr/bin/time ]; then
  say "installing GNU time (Debian's time) for the peak-memory figure"
  (apt-get install -y time >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y time >/dev/null; })
fi
cargo build --release --locked --quiet --bin article-annotator
bin=target/release/article-annotator
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
node bench/convert/make-corpus.mjs "$work/brat" "$n" >/dev/null
bytes=$(du -sb "$work/brat" | cut -f1)
run() {
  local label="$1"; shift
  local start end rss
  start=$(date +%s.%N)
  /usr/bin/time -f '%M' -o "$work/rss" "$bin" "$@" 2>"$work/err" || [ $? -eq 3 ]
  end=$(date +%s.%N)
  rss=$(tail -1 "$work/rss")
  awk -v l="$label" -v n="$n" -v s="$start" -v e="$end" -v r="$rss" \
    'BEGIN { t = e - s; printf "%-18s %6d documents  %7.3f s  %9.0f documents/s  peak RSS %6.1f MB\n", l, n, t, n / t, r / 1024 }'
}
say "corpus: $n documents, $((bytes / 1024)) KB of .txt and .ann"
run "brat -> doccano" convert --to doccano-relations "$work/brat" -o "$work/corpus.jsonl"
run "doccano -> brat" convert --to brat "$work/corpus.jsonl" -o "$work/back"
same=0
for f in "$work"/brat/*.txt; do cmp -s "$f" "$work/back/$(basename "$f")" && same=$((same + 1)); done
say "round trip: $same of $n texts byte-identical"
