#!/usr/bin/env bash
# bench/run.sh — the benchmark: archgate cold, warm and with one file changed, against
# import-linter, tach and ruff (Django, SymPy), dependency-cruiser cold and cached and madge
# (effect 4.1.0, rxjs 7.8.1), and archgate alone on the vendored Rust corpus; writes
# BENCHMARKS.md. Run on an idle machine.
#
# First fetch the corpora and peers (each once, from the package registries):
#   bash ../shared/bench/python-peers.sh; bash ../shared/bench/ts-peers.sh; bash ../shared/bench/rust-corpus.sh
# Then:  bash bench/run.sh [--rounds N] [corpus...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
exec python3 bench/run.py "$@"
