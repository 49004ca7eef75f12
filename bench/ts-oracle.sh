#!/usr/bin/env bash
# ts-oracle.sh - only what bench/ts-fidelity.sh needs out of ../shared/bench/ts-peers.sh:
# typescript 5.9.3 (npm), the four corpora (`npm pack`), the minimal tsconfig.json ts-peers.sh
# writes where a package ships none, and `<corpus>-tsc-edges.tsv` from the very ts-edges.cjs of
# ts-peers.sh (extracted from it, not copied), without the other peers and their timings.
# Uses the `node` on PATH (ts-peers.sh installs Node 22; resolution does not depend on it).
#
# Usage: bash bench/ts-oracle.sh     (CORPORA=/tmp/corpora, PEERS=/tmp/ts-peers)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
PEERS_SH=${PEERS_SH:-$HERE/../shared/bench/ts-peers.sh}
[[ -f "$PEERS_SH" ]] || PEERS_SH=/work/shared/bench/ts-peers.sh
PEERS=${PEERS:-/tmp/ts-peers}
CORPORA=${CORPORA:-/tmp/corpora}
SPECS=(${CORPUS_SPECS:-rxjs@7.8.1 effect@3.22.4 effect@4.1.0 @trpc/server@11.25.2})
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
mkdir -p "$PEERS/tools" "$CORPORA/ts-peers-tgz"
TS=$PEERS/tools/node_modules/typescript
if [[ ! -d "$TS" ]]; then
  (cd "$PEERS/tools" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
    npm install --no-save typescript@5.9.3 >/dev/null)
fi
# ts-edges.cjs exactly as ts-peers.sh writes it.
sed -n '/^cat >"$PEERS\/ts-edges.cjs" <<'"'"'EOF'"'"'$/,/^EOF$/p' "$PEERS_SH" | sed '1d;$d' >"$PEERS/ts-edges.cjs"
[[ -s "$PEERS/ts-edges.cjs" ]] || { echo "could not extract ts-edges.cjs from $PEERS_SH" >&2; exit 2; }
for spec in "${SPECS[@]}"; do
  s=${spec#@}; s=${s//\//-}; name=${s/@/-}; dir=$CORPORA/$name
  if [[ ! -d "$dir/src" ]]; then
    tgz=$(cd "$CORPORA/ts-peers-tgz" && npm pack --silent "$spec" | tail -1)
    rm -rf "$dir" "$dir.tmp" && mkdir -p "$dir.tmp"
    tar -xzf "$CORPORA/ts-peers-tgz/$tgz" -C "$dir.tmp"
    mv "$dir.tmp/package" "$dir" && rmdir "$dir.tmp"
  fi
  if [[ ! -f "$dir/tsconfig.json" ]]; then
    cat >"$dir/tsconfig.json" <<'EOF'
{ "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
    "allowImportingTsExtensions": true, "noEmit": true, "strict": true },
  "include": ["src"] }
EOF
    touch "$dir/.ts-peers-added-tsconfig"
  fi
  (cd "$dir" && node "$PEERS/ts-edges.cjs" "$TS" "$dir" src "$CORPORA/$name-tsc-edges.tsv")
  echo "$name: $(($(wc -l <"$CORPORA/$name-tsc-edges.tsv") - 1)) compiler rows" >&2
done
