#!/usr/bin/env bash
# ts-fidelity.sh - archgate's TypeScript import graph against the TypeScript compiler's.
#
# Needs the corpora and the reference edge lists written by ../shared/bench/ts-peers.sh
# (`<corpus>-tsc-edges.tsv`: every import of the corpus's src/, resolved with
# ts.resolveModuleName and the corpus tsconfig). For each corpus it writes a layers.toml at the
# corpus root that keeps only src/ (the files the compiler's list covers), runs
# `archgate graph --format tsv` with the release binary of this repository, and compares the
# (from, to) file pairs inside the corpus:
#   precision = shared / archgate's pairs, recall = shared / the compiler's pairs.
# Unresolved imports are compared too (the compiler's `unresolved` rows vs archgate's
# `unresolved:` targets). Differences go to $OUT/<corpus>.diff.
#
# Usage: bash bench/ts-fidelity.sh            (after `cargo build --release`)
#        CORPORA=/tmp/corpora OUT=/tmp/ag-ts-fidelity bash bench/ts-fidelity.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${ARCHGATE:-$HERE/target/release/archgate}
CORPORA=${CORPORA:-/tmp/corpora}
OUT=${OUT:-/tmp/archgate-ts-fidelity}
NAMES=(${NAMES:-rxjs-7.8.1 effect-3.22.4 effect-4.1.0 trpc-server-11.25.2})
mkdir -p "$OUT"
# Every top-level entry of the corpus but src/, as `exclude` globs (dist/, package stubs).
others() { (cd "$1" && for e in * .*; do
  [[ "$e" == src || "$e" == . || "$e" == .. || "$e" == layers.toml || ! -e "$e" ]] || printf '"%s", ' "$e"
done) | sed 's/, $//'; }
[[ -x "$BIN" ]] || { echo "build first: cargo build --release ($BIN missing)" >&2; exit 2; }

echo "| corpus | compiler pairs | archgate pairs | shared | precision | recall | compiler unresolved | archgate unresolved | archgate external sites |"
echo "|---|---|---|---|---|---|---|---|---|"
for name in "${NAMES[@]}"; do
  dir=$CORPORA/$name
  ref=$CORPORA/$name-tsc-edges.tsv
  [[ -f "$ref" ]] || { echo "missing $ref: run ../shared/bench/ts-peers.sh" >&2; exit 2; }
  # Only src/, as the compiler's list: everything else (dist/, package stubs) is excluded.
  cat >"$dir/layers.toml" <<'EOF'
# written by archgate bench/ts-fidelity.sh: the corpus's src/ only
EOF
  echo "exclude = [$(others "$dir")]" >>"$dir/layers.toml"
  (cd "$dir" && "$BIN" graph --format tsv) >"$OUT/$name.archgate.tsv" 2>"$OUT/$name.archgate.stderr"
  t=$OUT/$name.tmp; mkdir -p "$t"
  awk -F'\t' 'NR>1 && $3=="local" {print $1"\t"$2}' "$ref" | LC_ALL=C sort -u >"$t/tsc"
  awk -F'\t' 'NR>1 && $3=="unresolved" {print $1"\t"$2}' "$ref" | LC_ALL=C sort -u >"$t/tsc-unresolved"
  awk -F'\t' '$2 !~ /^(external|unresolved):/ {print $1"\t"$2}' "$OUT/$name.archgate.tsv" | LC_ALL=C sort -u >"$t/ag"
  awk -F'\t' '$2 ~ /^unresolved:/ {sub(/^unresolved:/, "", $2); print $1"\t"$2}' "$OUT/$name.archgate.tsv" | LC_ALL=C sort -u >"$t/ag-unresolved"
  ext=$(awk -F'\t' '$2 ~ /^external:/' "$OUT/$name.archgate.tsv" | wc -l)
  shared=$(LC_ALL=C comm -12 "$t/tsc" "$t/ag" | wc -l)
  n_tsc=$(wc -l <"$t/tsc"); n_ag=$(wc -l <"$t/ag")
  pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "n/a"; else printf "%.2f%%", 100 * a / b }'; }
  echo "| $name | $n_tsc | $n_ag | $shared | $(pct "$shared" "$n_ag") | $(pct "$shared" "$n_tsc") | $(wc -l <"$t/tsc-unresolved") | $(wc -l <"$t/ag-unresolved") | $ext |"
  {
    echo "## compiler only (missed by archgate)"; LC_ALL=C comm -23 "$t/tsc" "$t/ag"
    echo "## archgate only (not an edge for the compiler)"; LC_ALL=C comm -13 "$t/tsc" "$t/ag"
    echo "## compiler unresolved"; cat "$t/tsc-unresolved"
    echo "## archgate unresolved"; cat "$t/ag-unresolved"
  } >"$OUT/$name.diff"
  rm -rf "$t"
done
echo
echo "differences: $OUT/<corpus>.diff"
