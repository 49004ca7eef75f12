#!/usr/bin/env bash
# python-fidelity.sh - how faithfully archgate reads Django's import graph, next to its peers.
#
# Needs the corpora and peer results of ../../shared/bench/python-peers.sh (run that first):
#   $CORPORA/Django-5.1.4/django          the source
#   $CORPORA/django-grimp-edges.tsv       grimp's edges: importer, imported, line
#   $CORPORA/results/out-django-*.txt     import-linter's and tach's reports
#
# What it does:
#   1. copies django/ into a scratch folder (the shared corpus is left untouched) and writes a
#      layers.toml equivalent to the import-linter contract of python-peers.sh: layers
#      contrib > db > utils, and django.db forbidden to import the web stack;
#   2. runs `archgate graph --format tsv` and `archgate check --format json` (release build);
#   3. turns archgate's file paths into dotted module names and compares with grimp:
#      module pairs and (pair, line) rows, in both / only grimp / only archgate, with the
#      differences classified and examples of each class;
#   4. lists archgate's violations next to tach's (direct imports, the same semantics) and
#      import-linter's (which also reports indirect chains).
#
# Usage:  bash bench/python-fidelity.sh        (from the repository root or anywhere)
# Only bash, python3 and the archgate binary are used. Nothing is timed: see python-peers.sh.

set -euo pipefail

CORPORA=${CORPORA:-/tmp/corpora}
DJ=${DJ:-$CORPORA/Django-5.1.4}
GRIMP_EDGES=${GRIMP_EDGES:-$CORPORA/django-grimp-edges.tsv}
RESULTS=${RESULTS:-$CORPORA/results}
WORK=${WORK:-/tmp/archgate-fidelity}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ARCHGATE=${ARCHGATE:-$REPO/target/release/archgate}
PYTHON=${PYTHON:-python3}

log() { printf '\n== %s\n' "$*" >&2; }

[ -d "$DJ/django" ] || { echo "no $DJ/django: run python-peers.sh first" >&2; exit 2; }
[ -f "$GRIMP_EDGES" ] || { echo "no $GRIMP_EDGES: run python-peers.sh first" >&2; exit 2; }
if [ ! -x "$ARCHGATE" ]; then
  log "building archgate (release)"
  (cd "$REPO" && cargo build --release --locked)
fi

log "1. scratch copy of django/ and layers.toml -> $WORK"
rm -rf "$WORK" && mkdir -p "$WORK/tree"
cp -r "$DJ/django" "$WORK/tree/django"
# The import-linter contract of python-peers.sh, in archgate's terms (shared with bench/run.sh;
# its `exclude` names folders outside django/, which the copy does not have).
cp "$REPO/bench/configs/django.layers.toml" "$WORK/tree/layers.toml"

log "2. archgate graph + check"
"$ARCHGATE" graph --format tsv --config "$WORK/tree/layers.toml" > "$WORK/archgate-edges.tsv" 2> "$WORK/graph-stderr.txt"
rc=0
"$ARCHGATE" check --format json --config "$WORK/tree/layers.toml" > "$WORK/archgate-check.json" 2> "$WORK/check-stderr.txt" || rc=$?
echo "archgate check exit code: $rc (1 = violations found)" >&2

log "3. compare with grimp ($GRIMP_EDGES)"
"$PYTHON" - "$WORK/archgate-edges.tsv" "$GRIMP_EDGES" "$WORK/tree" <<'PY'
import collections, os, re, sys

archgate_tsv, grimp_tsv, tree = sys.argv[1:]

def module(path):
    """django/db/models/__init__.py -> django.db.models"""
    stem = re.sub(r"\.pyi?$", "", path)
    if stem.endswith("/__init__"):
        stem = stem[: -len("/__init__")]
    return stem.replace("/", ".")

# archgate: one row per import site, kinds kept
a_rows = collections.defaultdict(set)     # (importer, imported, line) -> kinds
a_files = set()
externals = collections.Counter()
unresolved = []
for line in open(archgate_tsv):
    frm, to, ln, kind = line.rstrip("\n").split("\t")
    a_files.add(frm)
    if to.startswith("external:"):
        externals[to[len("external:"):]] += 1
        continue
    if to.startswith("unresolved:"):
        unresolved.append((frm, to, ln))
        continue
    a_rows[(module(frm), module(to), int(ln))].add(kind)

g_rows = set()
for line in list(open(grimp_tsv))[1:]:
    imp, imd, ln = line.rstrip("\n").split("\t")
    g_rows.add((imp, imd, int(ln)))

a_set = set(a_rows)
a_pairs = {(i, j) for i, j, _ in a_set}
g_pairs = {(i, j) for i, j, _ in g_rows}

def report(name, a, g):
    print(f"{name:<18} archgate {len(a):>5}  grimp {len(g):>5}  both {len(a & g):>5}  "
          f"only-grimp {len(g - a):>4}  only-archgate {len(a - g):>4}")

print()
report("module pairs", a_pairs, g_pairs)
report("(pair, line) rows", a_set, g_rows)
self_edges = {p for p in a_pairs if p[0] == p[1]}
print(f"archgate self-edges (a module importing itself, e.g. `from . import x` in __init__): {len(self_edges)}")
print(f"archgate external imports: {sum(externals.values())} sites of {len(externals)} top-level names; "
      f"unresolved: {len(unresolved)}")
for u in unresolved[:10]:
    print("   unresolved:", *u)

# ------------------------------------------------------------------ classify the differences
def exists(mod):
    p = os.path.join(tree, *mod.split("."))
    return os.path.isfile(p + ".py") or os.path.isfile(os.path.join(p, "__init__.py"))

def source_line(mod, ln):
    p = os.path.join(tree, *mod.split("."))
    path = os.path.join(p, "__init__.py") if os.path.isdir(p) else p + ".py"
    try:
        return open(path, encoding="utf-8", errors="replace").read().split("\n")[ln - 1].strip()
    except (OSError, IndexError):
        return "?"

g_by_pair_line = collections.defaultdict(set)
for i, j, ln in g_rows:
    g_by_pair_line[(i, j)].add(ln)
a_by_pair_line = collections.defaultdict(set)
for i, j, ln in a_set:
    a_by_pair_line[(i, j)].add(ln)

classes = collections.defaultdict(list)
for row in sorted(a_set - g_rows):
    i, j, ln = row
    kinds = a_rows[row]
    if "dynamic" in kinds:
        classes["only-archgate: dynamic import_module/__import__ with a literal (grimp reads statements only)"].append(row)
    elif i == j:
        classes["only-archgate: self-edge (`from . import x` in a package's __init__ naming a non-module)"].append(row)
    elif (i, j) in g_pairs:
        classes["only-archgate: same pair, other line (grimp dedups or places the site elsewhere)"].append(row)
    else:
        classes["only-archgate: other"].append(row)
for row in sorted(g_rows - a_set):
    i, j, ln = row
    if (i, j) in a_pairs:
        classes["only-grimp: same pair, other line"].append(row)
    elif not exists(j):
        classes["only-grimp: target is not a module file archgate knows"].append(row)
    else:
        classes["only-grimp: other"].append(row)

print()
for name in sorted(classes):
    rows = classes[name]
    print(f"{len(rows):>5}  {name}")
    for i, j, ln in rows[:6]:
        extra = ""
        if name.startswith("only-grimp: same pair") or name.startswith("only-archgate: same pair"):
            extra = f"   [archgate lines {sorted(a_by_pair_line[(i, j)])}, grimp lines {sorted(g_by_pair_line[(i, j)])}]"
        print(f"         {i} -> {j} l.{ln}: {source_line(i, ln)[:90]}{extra}")
PY

log "4. violations: archgate vs tach (direct) vs import-linter (direct + indirect)"
"$PYTHON" - "$WORK/archgate-check.json" "$RESULTS/out-django-tach.txt" "$RESULTS/out-django-import-linter.txt" <<'PY'
import json, re, sys

check, tach_txt, il_txt = sys.argv[1:]
report = json.load(open(check))
print(f"\narchgate: {report['summary']}")
ours = set()
for v in report["violations"]:
    ours.add((v["path"], v["line"]))
    print(f"  {v['path']}:{v['line']}:{v['column']} {v['code']} {v['rule']} "
          f"{v['from_layer']} -> {v['to_layer'] or v['target']} ({v['import']}{', type-only' if v['type_only'] else ''})")
for w in report["warnings"]:
    print(f"  warning {w['kind']}: {w['path']}: {w['message']}")

tach = set()
for line in open(tach_txt):
    m = re.match(r"\[FAIL\] (\S+?):(\d+):", line)
    if m:
        tach.add((m.group(1), int(m.group(2))))
print(f"\ntach: {len(tach)} direct-import diagnostics")
print(f"  both: {len(ours & tach)}  only tach: {sorted(tach - ours)}  only archgate: {sorted(ours - tach)}")

# import-linter: each "- a.b (l.N)" / "- a.b -> c.d (l.N)" block is one chain; a chain of one
# line (plus "& other.module (l.M)" siblings) is a direct import, longer ones are indirect.
direct, indirect = set(), 0
for block in re.split(r"\n\s*\n", open(il_txt).read()):
    lines = [l.strip() for l in block.strip().split("\n") if l.strip()]
    if not lines or not re.match(r"-\s", lines[0]):
        continue
    hops = [l for l in lines if not l.startswith("&")]
    if len(hops) > 1:
        indirect += 1
        continue
    for l in lines:
        m = re.match(r"[-&]\s+(\S+)(?: -> \S+)? \(l\.(\d+)", l)
        if m:
            direct.add((m.group(1), int(m.group(2))))
ours_modules = {(re.sub(r"(/__init__)?\.py$", "", p).replace("/", "."), l) for p, l in ours}
print(f"\nimport-linter: {len(direct)} direct (module, line) sites in broken contracts, {indirect} indirect chains")
print(f"  direct sites also reported by archgate: {len(direct & ours_modules)}; "
      f"only import-linter: {sorted(direct - ours_modules)}; only archgate: {sorted(ours_modules - direct)}")
PY

log "5. file pairs vs ruff analyze graph (Django and SymPy; results of python-peers.sh)"
SY=${SY:-$CORPORA/sympy-1.13.3}
if [ -d "$SY/sympy" ] && [ -f "$RESULTS/out-sympy-ruff-graph.json" ]; then
  mkdir -p "$WORK/sympy"
  cp -r "$SY/sympy" "$WORK/sympy/sympy"
  printf '[[layers]]\nname = "sympy"\npaths = ["sympy/**"]\n' > "$WORK/sympy/layers.toml"
  "$ARCHGATE" graph --format tsv --config "$WORK/sympy/layers.toml" > "$WORK/archgate-sympy-edges.tsv"
fi
"$PYTHON" - "$WORK" "$RESULTS" <<'PY'
import collections, json, os, sys

work, results = sys.argv[1:]
for corpus, tsv in (("django", "archgate-edges.tsv"), ("sympy", "archgate-sympy-edges.tsv")):
    ruff_json = os.path.join(results, f"out-{corpus}-ruff-graph.json")
    tsv = os.path.join(work, tsv)
    if not (os.path.exists(ruff_json) and os.path.exists(tsv)):
        print(f"{corpus}: skipped (no ruff graph or archgate edges)")
        continue
    ruff = {(a, b) for a, bs in json.load(open(ruff_json)).items() for b in bs}
    ours = collections.defaultdict(set)
    for line in open(tsv):
        frm, to, _, kind = line.rstrip("\n").split("\t")
        if not to.startswith(("external:", "unresolved:")):
            ours[(frm, to)].add(kind)
    only_ours = set(ours) - ruff
    kinds = collections.Counter("+".join(sorted(ours[p])) for p in only_ours)
    print(f"{corpus}: file pairs archgate {len(ours)}  ruff {len(ruff)}  both {len(ruff & set(ours))}  "
          f"only-ruff {len(ruff - set(ours))}  only-archgate {len(only_ours)} (by kind: {dict(kinds)})")
    for p in sorted(only_ours)[:3]:
        print("   only archgate:", *p, sorted(ours[p]))
    for p in sorted(ruff - set(ours))[:3]:
        print("   only ruff:", *p)
PY
