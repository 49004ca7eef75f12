#!/usr/bin/env bash
# ts-speed.sh - archgate against dependency-cruiser (cold and with its cache) and madge on one
# TypeScript corpus (default effect 4.1.0), in one hyperfine run so the ratios are comparable.
#
# Needs ../shared/bench/ts-peers.sh to have installed the peers ($PEERS) and the corpus and
# its dependency-cruiser configs ($CORPORA). The layering rule is the one ts-peers.sh gives
# dependency-cruiser for effect 4 ("the core, src/*.ts and src/internal/, must not import the
# feature folders"), written as layers.toml; every tool reads the corpus's src/ only.
#
# archgate runs cold (`--no-cache`: every file parsed) and with its cache (`.archgate_cache`,
# filled by hyperfine's warm-up run), like dependency-cruiser.
#
# Usage: bash bench/ts-speed.sh     (after `cargo build --release`; run on an idle machine)
#        CORPUS=rxjs-7.8.1 RUNS=10 bash bench/ts-speed.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${ARCHGATE:-$HERE/target/release/archgate}
PEERS=${PEERS:-/tmp/ts-peers}
CORPORA=${CORPORA:-/tmp/corpora}
CORPUS=${CORPUS:-effect-4.1.0}
RUNS=${RUNS:-10}
OUT=${OUT:-/tmp/archgate-ts-speed}
mkdir -p "$OUT"
# Every top-level entry of the corpus but src/, as `exclude` globs (dist/, package stubs).
others() { (cd "$1" && for e in * .*; do
  [[ "$e" == src || "$e" == . || "$e" == .. || "$e" == layers.toml || ! -e "$e" ]] || printf '"%s", ' "$e"
done) | sed 's/, $//'; }
dir=$CORPORA/$CORPUS
NODE=$(ls "$PEERS"/node/node_modules/node-linux-*/bin/node | head -1)
TOOLS=$PEERS/tools/node_modules
CONFIGS=$CORPORA/ts-peers-configs
[[ -x "$BIN" ]] || { echo "build first: cargo build --release" >&2; exit 2; }
[[ -d "$dir/src" && -x "$NODE" ]] || { echo "run ../shared/bench/ts-peers.sh first" >&2; exit 2; }

cat >"$dir/layers.toml" <<'EOF'
# written by archgate bench/ts-speed.sh: dependency-cruiser's effect 4 rule as layers
[[layers]]
name = "features"
paths = ["src/*/**", "!src/internal/**"]
description = "feature folders (src/http, src/rpc, src/sql, src/ai, ...)"

[[layers]]
name = "core"
paths = ["src/*.ts", "src/internal/**"]
description = "the core; must not import the feature folders"
EOF
# only src/, like the peers: every other top-level entry (dist/, package stubs) is excluded
sed -i "1a exclude = [$(others "$dir")]" "$dir/layers.toml"

# prime dependency-cruiser's cache once; its cached runs then reuse it
rm -rf "$PEERS/depcruise-cache/$CORPUS"
(cd "$dir" && "$NODE" "$TOOLS/dependency-cruiser/bin/dependency-cruiser.mjs" src \
  --config "$CONFIGS/$CORPUS.depcruise-cache.json" --output-type err --no-progress >/dev/null 2>&1 || true)

cd "$dir"
hyperfine --warmup 1 --runs "$RUNS" -i --export-markdown "$OUT/$CORPUS.md" --export-json "$OUT/$CORPUS.json" \
  -n archgate-cold "$BIN check --format agent --no-cache" \
  -n archgate-cached "$BIN check --format agent" \
  -n depcruise-cold "$NODE $TOOLS/dependency-cruiser/bin/dependency-cruiser.mjs src --config $CONFIGS/$CORPUS.depcruise.json --output-type err --no-progress" \
  -n depcruise-cached "$NODE $TOOLS/dependency-cruiser/bin/dependency-cruiser.mjs src --config $CONFIGS/$CORPUS.depcruise-cache.json --output-type err --no-progress" \
  -n madge "$NODE $TOOLS/madge/bin/cli.js --circular --extensions ts,tsx --ts-config tsconfig.json --no-spinner --no-color src"
# ratios: each tool's mean over archgate's (cold over cold, cached over cached), same run
"$NODE" -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  const by = (n) => r.find((x) => x.command === n);
  const cold = by("archgate-cold"), cached = by("archgate-cached");
  for (const x of r) console.log(`${x.command.padEnd(18)} mean ${x.mean.toFixed(3)} s  ` +
    `(user+sys ${(x.user + x.system).toFixed(3)} s)  ${(x.mean / cold.mean).toFixed(1)}x archgate cold, ` +
    `${(x.mean / cached.mean).toFixed(1)}x archgate cached`);
' "$OUT/$CORPUS.json"
