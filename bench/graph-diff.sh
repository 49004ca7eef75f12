#!/usr/bin/env bash
# graph-diff.sh - `archgate graph --format tsv --no-cache` of two builds on the same corpora,
# diffed row by row (from, to, line, kind), with the count of rows, resolved pairs, external
# and unresolved sites of each. For a same-machine comparison of two commits:
#   git worktree add /tmp/wt-before <commit> && (cd /tmp/wt-before && cargo build --release)
#   BEFORE=/tmp/wt-before/target/release/archgate bash bench/graph-diff.sh NAME=DIR[:CONFIG] ...
# CONFIG defaults to DIR/layers.toml. Writes $OUT/<name>.{before,after}.tsv, .diff, .stderr.diff.
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
AFTER=${AFTER:-$HERE/target/release/archgate}
BEFORE=${BEFORE:?BEFORE=/path/to/the other archgate}
OUT=${OUT:-/tmp/archgate-graph-diff}
mkdir -p "$OUT"
stats() { awk -F'\t' '{n++} $2 ~ /^external:/ {e++} $2 ~ /^unresolved:/ {u++}
  $2 !~ /^(external|unresolved):/ {p[$1"\t"$2]=1} END {printf "%d rows, %d pairs, %d external, %d unresolved", n, length(p), e, u}' "$1"; }
echo "| corpus | before | after | rows only before | rows only after |"
echo "|---|---|---|---|---|"
for arg in "$@"; do
  name=${arg%%=*}; rest=${arg#*=}; dir=${rest%%:*}; cfg=$dir/layers.toml
  [[ "$rest" == *:* ]] && cfg=${rest#*:}
  for side in before after; do
    bin=$BEFORE; [[ $side == after ]] && bin=$AFTER
    (cd "$dir" && "$bin" graph --format tsv --no-cache --config "$cfg") 2>"$OUT/$name.$side.stderr" |
      LC_ALL=C sort >"$OUT/$name.$side.tsv" || true
  done
  diff "$OUT/$name.before.tsv" "$OUT/$name.after.tsv" >"$OUT/$name.diff" || true
  diff <(LC_ALL=C sort "$OUT/$name.before.stderr") <(LC_ALL=C sort "$OUT/$name.after.stderr") >"$OUT/$name.stderr.diff" || true
  echo "| $name | $(stats "$OUT/$name.before.tsv") | $(stats "$OUT/$name.after.tsv") | $(grep -c '^<' "$OUT/$name.diff" || true) | $(grep -c '^>' "$OUT/$name.diff" || true) |"
done
