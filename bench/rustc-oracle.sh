#!/usr/bin/env bash
# rustc-oracle.sh - archgate's Rust resolution (`use`, `pub use`, paths in code) against rustc's.
#
# For a few library crates of the vendored crates.io corpus (bench/rust-corpus.sh), asks the
# nightly compiler for its HIR with every path's resolution (`-Zunpretty=hir-tree`), keeps the
# paths that name something of the same crate, maps each to the file of the deepest module its
# segments resolve to (see bench/rustc_oracle.py for why that is archgate's edge), and matches
# them by (file, line, column of the path) with the sites of `archgate graph --format json` run
# by one or more archgate builds over the whole corpus. Prints per crate, kind and build the
# matched sites, the agreeing and disagreeing ones with a classified sample, and the sites one
# side has alone; then a Markdown table of agree/matched.
#
# Offline: the crates build from the vendored sources (a copy of the manifest project that
# vendored them, with `[source.crates-io] replace-with = "vendored"`). Each crate's lib is
# compiled once with the features the manifest's dependency graph enables (tokio: full); the
# dumps, the extracted sites and the archgate graphs are cached under $WORK (rm -rf it, or
# FORCE=1 for the graphs, to redo).
#
# Usage: bash bench/rustc-oracle.sh
#        BUILDS="base=/tmp/ag-base-rel head=/tmp/ag-head-rel" CRATES="tokio clap_builder" \
#          bash bench/rustc-oracle.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CORPORA=${CORPORA:-/tmp/corpora}
WORK=${WORK:-/tmp/oracle-rustc}
CRATES=${CRATES:-"tokio clap_builder syn@2.0.119 petgraph rayon-core rustix tokio-util regex-automata hyper"}
BUILDS=${BUILDS:-"base=/tmp/ag-base-rel head=/tmp/ag-head-rel"}
corpus=$CORPORA/rust-vendor
manifest=$CORPORA/rust-vendor-manifest
if [ ! -d "$corpus" ]; then
    bash "$here/../shared/bench/rust-corpus.sh"
fi
mkdir -p "$WORK/hir" "$WORK/graphs"

# The build project: the vendoring manifest, its lock, sources replaced by the vendor dir.
proj=$WORK/build
if [ ! -f "$proj/.cargo/config.toml" ]; then
    mkdir -p "$proj/.cargo" "$proj/src"
    cp "$manifest/Cargo.toml" "$manifest/Cargo.lock" "$proj/"
    echo 'fn main() {}' >"$proj/src/main.rs"
    cat >"$proj/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "vendored"
[source.vendored]
directory = "$corpus"
EOF
fi

# The corpus layers.toml of bench/rust-corpus.sh: one layer over everything.
cat >"$corpus/layers.toml" <<'TOML'
# Written by archgate's bench/rust-corpus.sh: one layer over everything.
[[layers]]
name = "all"
paths = ["**"]
TOML

results=$WORK/results.jsonl
: >"$results"
for spec in $CRATES; do
    name=${spec%@*}
    # name-version of the crate's directory in the corpus, from the lock
    if [ "$spec" != "$name" ]; then
        version=${spec#*@}
    else
        version=$(awk -v n="$name" '$1 == "name" && $3 == "\"" n "\"" { getline; gsub(/"/, "", $3); print $3; exit }' "$proj/Cargo.lock")
    fi
    dir=$name-$version
    hir=$WORK/hir/$name.hir-tree
    if [ ! -s "$hir" ]; then
        echo "compiling $spec with -Zunpretty=hir-tree ..." >&2
        (cd "$proj" && cargo +nightly rustc --offline --quiet -p "$spec" --lib -- -Zunpretty=hir-tree) \
            >"$hir.tmp" 2>"$WORK/hir/$name.err"
        mv "$hir.tmp" "$hir"
    fi
    features=$(cd "$proj" && cargo +nightly tree --offline -p "$spec" --depth 0 -e normal -f '{f}' 2>/dev/null | head -1)
    sites=$WORK/hir/$name.sites.json
    if [ ! -s "$sites" ] || [ "$sites" -ot "$hir" ] || [ "$sites" -ot "$here/bench/rustc_oracle.py" ]; then
        python3 "$here/bench/rustc_oracle.py" extract "$hir" "$corpus" "$sites"
    fi
    echo "## $dir (features: ${features:-default})"
    for build in $BUILDS; do
        label=${build%%=*}
        bin=${build#*=}
        graph=$WORK/graphs/$label.json
        if [ ! -s "$graph" ] || [ -n "${FORCE:-}" ]; then
            (cd "$corpus" && "$bin" graph --format json --no-cache --config "$corpus/layers.toml") \
                >"$graph" 2>"$WORK/graphs/$label.warnings"
        fi
        python3 "$here/bench/rustc_oracle.py" compare "$sites" "$graph" "$dir" "$label" >"$WORK/out.txt"
        grep -v '^{' "$WORK/out.txt"
        tail -n 1 "$WORK/out.txt" >>"$results"
    done
    echo
done
python3 "$here/bench/rustc_oracle.py" table "$results"
