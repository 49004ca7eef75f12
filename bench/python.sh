#!/usr/bin/env bash
# bench/python.sh — archgate against import-linter and tach (and ruff's graph build) on the
# Python corpora of ../shared/bench/python-peers.sh, side by side in one hyperfine run.
#
# Usage: bash bench/python.sh            # Django and SymPy
#        CORPORA=/tmp/corpora VENV=/tmp/peers-venv RUNS=10 bash bench/python.sh django
#
# Needs: the corpora and peers that ../shared/bench/python-peers.sh installs (run it first),
# hyperfine (Debian package), a release build of archgate (built here).
# Prints a markdown table of medians, peak memory and archgate's ratio to each peer.
set -euo pipefail

HERE=$(cd "$(dirname "$0")/.." && pwd)
CORPORA=${CORPORA:-/tmp/corpora}
VENV=${VENV:-/tmp/peers-venv}
RUNS=${RUNS:-10}
OUT=${OUT:-/tmp/archgate-bench}
B="$VENV/bin"
mkdir -p "$OUT"

(cd "$HERE" && cargo build --release --quiet)
AG="$HERE/target/release/archgate"

# layers.toml equivalent to the import-linter contracts and tach.toml of python-peers.sh:
# the same layers, the same forbidden modules, the same folders left out.
write_config() {
  case $1 in
  django) cat <<'TOML'
exclude = ["tests/**", "docs/**", "scripts/**", "extras/**", "js_tests/**", "build/**", "setup.py"]

[[layers]]
name = "contrib"
paths = ["django/contrib/**"]

[[layers]]
name = "db"
paths = ["django/db/**"]

[[layers]]
name = "utils"
paths = ["django/utils/**"]

[[forbid]]
from = "db"
to = "django/{http,template,views,urls,forms}/**"
reason = "The ORM must not depend on the web/presentation stack"
fix = "Move form-field construction out of django.db (e.g. into django.forms.models) or import django.forms lazily inside formfield()."
TOML
  ;;
  sympy) cat <<'TOML'
exclude = ["doc/**", "examples/**", "bin/**", "data/**", "release/**", "build/**", "setup.py", "isympy.py"]

[[layers]]
name = "plotting"
paths = ["sympy/plotting/**"]

[[layers]]
name = "solvers"
paths = ["sympy/solvers/**"]

[[layers]]
name = "integrals"
paths = ["sympy/integrals/**"]

[[layers]]
name = "simplify"
paths = ["sympy/simplify/**"]

[[layers]]
name = "functions"
paths = ["sympy/functions/**"]

[[layers]]
name = "core"
paths = ["sympy/core/**"]

[[forbid]]
from = "core"
to = "sympy/{printing,plotting}/**"
reason = "sympy.core must not depend on sympy.printing or sympy.plotting"
TOML
  ;;
  esac
}

corpora=("$@")
[ ${#corpora[@]} -gt 0 ] || corpora=(django sympy)
echo "| corpus | tool | median wall s | peak RSS MB | archgate is faster by |"
echo "| --- | --- | --- | --- | --- |"
for corpus in "${corpora[@]}"; do
  case $corpus in
    django) dir=$(ls -d "$CORPORA"/Django-*/ | head -1); pkg=django;;
    sympy) dir=$(ls -d "$CORPORA"/sympy-*/ | head -1); pkg=sympy;;
    *) echo "unknown corpus $corpus" >&2; exit 2;;
  esac
  write_config "$corpus" > "$dir/layers.toml"
  cp "$CORPORA/configs/$corpus-tach.toml" "$dir/tach.toml"
  il="$CORPORA/configs/$corpus-importlinter.ini"
  json="$OUT/$corpus.json"
  (cd "$dir" && hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$json" \
      -n archgate "$AG check --format agent" \
      -n lint-imports "$B/lint-imports $il --no-cache --no-logo" \
      -n "tach check" "$B/tach check" \
      -n "ruff analyze graph" "$B/ruff analyze graph --isolated $pkg" >/dev/null)
  # Peak memory: one /usr/bin/time run each.
  declare -A rss=()
  rss[archgate]=$(cd "$dir" && /usr/bin/time -f %M "$AG" check --format agent 2>&1 >/dev/null | tail -1)
  rss[lint-imports]=$(cd "$dir" && /usr/bin/time -f %M "$B/lint-imports" "$il" --no-cache --no-logo 2>&1 >/dev/null | tail -1)
  rss["tach check"]=$(cd "$dir" && /usr/bin/time -f %M "$B/tach" check 2>&1 >/dev/null | tail -1)
  rss["ruff analyze graph"]=$(cd "$dir" && /usr/bin/time -f %M "$B/ruff" analyze graph --isolated "$pkg" 2>&1 >/dev/null | tail -1)
  python3 - "$json" "$corpus" "${rss[archgate]}" "${rss[lint-imports]}" "${rss[tach check]}" "${rss[ruff analyze graph]}" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))["results"]
corpus = sys.argv[2]
rss = dict(zip(["archgate", "lint-imports", "tach check", "ruff analyze graph"], sys.argv[3:]))
med = {r["command"]: r["median"] for r in data}
ours = med["archgate"]
for name, m in med.items():
    ratio = "—" if name == "archgate" else f"{m / ours:.1f}×"
    print(f"| {corpus} | {name} | {m:.3f} | {int(rss[name]) / 1024:.1f} | {ratio} |")
PY
done
