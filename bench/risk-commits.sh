#!/usr/bin/env bash
# `archgate risk` on real commits of kedro (SPEC §10): for each commit, the files it changed,
# tiered with bench/configs/kedro-risk.layers.toml on the tree of that commit.
#
#   bench/risk-commits.sh KEDRO_CLONE [COMMIT...]
#
# KEDRO_CLONE is a git clone of github.com/kedro-org/kedro with its history. Only `kedro/`,
# `kedro_benchmarks/` and `pyproject.toml` are checked out per commit: the graph needs the
# package, the changed paths come from `git diff`.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
clone="$1"; shift
commits=("$@")
if [ ${#commits[@]} -eq 0 ]; then
  commits=(1c37f8e5d 476762948 5e069f328 34f9e328e)
fi
(cd "$here" && cargo build --release --quiet)
cp "$here/bench/configs/kedro-risk.layers.toml" "$clone/layers.toml"
cd "$clone"
for c in "${commits[@]}"; do
  git checkout -q -f "$c" -- kedro kedro_benchmarks pyproject.toml
  echo "=== $c $(git log -1 --format=%s "$c")"
  # shellcheck disable=SC2046
  "$here/target/release/archgate" risk --no-cache $(git diff --name-only "$c~1" "$c")
done
