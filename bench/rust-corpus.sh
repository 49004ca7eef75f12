#!/usr/bin/env bash
# rust-corpus.sh - archgate's Rust fidelity and speed on the vendored crates.io corpus.
#
# Vendors the corpus with ../shared/bench/rust-corpus.sh when it is missing (4,857 `.rs`
# files of tokio, syn, serde, hyper, clap, ... in $CORPORA/rust-vendor), builds archgate in
# release mode, writes a layers.toml at the corpus root (one layer over everything: nothing
# to report, every file read), then:
#   1. resolution: `archgate graph --format json`, counting
#      - `mod` declarations resolved to a file, and the unresolved ones whose file exists
#        (a miss) or does not (a module the package does not ship: build-script output,
#        another platform's file left out of the package);
#      - `crate::`, `self::`, `super::`, `$crate::` paths (`use`, `pub use`, paths in code)
#        resolved to a file, by kind of miss;
#      - "early stops": resolved paths whose walk ended on a lowercase segment that more
#        segments follow (`crate::a::b::f` ending at the crate root), which may be a module
#        syntax could not see (declared by a macro, or inline with no import inside);
#      - orphan files (warnings);
#   2. speed: median wall time of 5 runs of `archgate graph --no-cache` with --jobs 1 and
#      --jobs N, in files/s and MB/s per core.
#
# Usage: bash bench/rust-corpus.sh      (CORPORA=/tmp/corpora by default; RUNS=5)
#        ARCHGATE=/tmp/wt-before/target/release/archgate bash bench/rust-corpus.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
CORPORA=${CORPORA:-/tmp/corpora}
RUNS=${RUNS:-5}
corpus=$CORPORA/rust-vendor
if [ ! -d "$corpus" ]; then
    bash "$here/../shared/bench/rust-corpus.sh"
fi
# ARCHGATE=/path/to/archgate runs another build (another commit's) with this script, unbuilt.
if [ -z "${ARCHGATE:-}" ]; then
    (cd "$here" && cargo build --release --quiet)
fi
bin=${ARCHGATE:-$here/target/release/archgate}
cat >"$corpus/layers.toml" <<'TOML'
# Written by archgate's bench/rust-corpus.sh: one layer over everything.
[[layers]]
name = "all"
paths = ["**"]
TOML
out=$(mktemp -d)
"$bin" graph --format json --no-cache --config "$corpus/layers.toml" >"$out/graph.json" 2>"$out/warnings.txt"
python3 - "$corpus" "$out/graph.json" "$out/warnings.txt" <<'PY'
import collections, json, os, re, sys
corpus, graph_path, warnings_path = sys.argv[1:4]
graph = json.load(open(graph_path))
files = [f["path"] for f in graph["files"]]
rs = [f for f in files if f.endswith(".rs")]
size = sum(os.path.getsize(os.path.join(corpus, f)) for f in files)
print(f"files: {len(rs)} .rs + {len(files) - len(rs)} Cargo.toml, {size / 1e6:.1f} MB")
sites = graph["imports"]
print(f"import sites: {len(sites)}; by kind: " + ", ".join(
    f"{k} {n}" for k, n in sorted(collections.Counter(s["kind"] for s in sites).items())))

def exists(p):
    return os.path.isfile(os.path.join(corpus, p))

# mod declarations
mods = [s for s in sites if s["kind"] == "mod"]
unresolved = [s for s in mods if s["to"].startswith("unresolved:")]
missed, absent = [], []
for s in unresolved:
    d, name = os.path.dirname(s["from"]), s["import"]
    stem = os.path.join(d, os.path.basename(s["from"])[:-3])
    candidates = [os.path.join(b, name + ".rs") for b in (d, stem)] + \
                 [os.path.join(b, name, "mod.rs") for b in (d, stem)]
    (missed if any(exists(c) for c in candidates) else absent).append(s)
print(f"\nmod declarations: {len(mods)}; resolved {len(mods) - len(unresolved)}; "
      f"unresolved with no file in the package {len(absent)}; "
      f"unresolved although a file exists {len(missed)}")
for s in missed[:20]:
    print(f"  MISS {s['from']}:{s['line']} mod {s['import']}")
print(f"  => {len(mods) - len(unresolved)} of {len(mods) - len(absent)} declarations whose file exists")

# relative paths
rel = re.compile(r"^(crate|self|super|\$crate)::")
paths = [s for s in sites if s["kind"] in ("use", "reexport", "path") and rel.match(s["import"])]
bad = [s for s in paths if not s["to"] or s["to"].startswith("unresolved:")]
orphans = set()
for line in open(warnings_path):
    m = re.match(r"warning: (.*?): orphan:", line)
    if m:
        orphans.add(m.group(1))
in_orphans = [s for s in bad if s["from"] in orphans]
other = [s for s in bad if s["from"] not in orphans]
ok = len(paths) - len(bad)
external = sum(1 for s in paths if s["to"].startswith("external:"))
print(f"\ncrate::/self::/super::/$crate:: paths: {len(paths)}; resolved {ok} "
      f"({100 * ok / max(len(paths), 1):.2f}%); unresolved in orphan files {len(in_orphans)}; "
      f"other unresolved {len(other)}; of the resolved, {external} name an external crate "
      f"through an `extern crate` item (`crate::alloc::vec`)")
for s in other[:20]:
    print(f"  UNRESOLVED {s['from']}:{s['line']} {s['import']} -> {s['to']}")
print(f"  => {100 * ok / max(len(paths) - len(in_orphans), 1):.2f}% of the paths in files "
      f"that some crate root reaches")

def module_name(path):
    parts = path[:-3].split("/")
    if parts[-1] in ("mod", "lib", "main"):
        return parts[-2] if parts[-1] == "mod" else None
    return parts[-1]

early = []
for s in paths:
    if s["to"].startswith(("unresolved:", "external:")):
        continue
    segs = s["import"].split("::")
    if segs[-1] == "*":
        segs = segs[:-1]
    target = module_name(s["to"])
    # The last segment naming the target module, else the leading keywords.
    i = max([k for k, g in enumerate(segs) if g == target] or
            [k for k, g in enumerate(segs) if g in ("crate", "self", "super", "$crate")])
    rest = segs[i + 1:]
    if len(rest) >= 2 and re.match(r"^[a-z_][a-z0-9_]*$", rest[0]):
        early.append((s, rest[0]))
texts = {}
def text(path):
    if path not in texts:
        texts[path] = open(os.path.join(corpus, path), encoding="utf-8", errors="replace").read()
    return texts[path]
kinds = collections.Counter()
unexplained = []
for s, seg in early:
    t = text(s["to"])
    if re.search(r"\bmod\s+" + re.escape(seg) + r"\b", t):
        kinds["a module declared in the target file (inline: same file, correct)"] += 1
    elif re.search(r"\buse\b[^;]*\b" + re.escape(seg) + r"\b[^;]*;", t, re.S) or \
            re.search(r"extern\s+crate\s+\w+\s+as\s+" + re.escape(seg) + r"\b", t):
        kinds["a name a `use` brings into the target module (edge to the module written, by design)"] += 1
    else:
        kinds["unexplained (a module made by a macro, or a miss)"] += 1
        unexplained.append((s, seg))
print(f"\nearly stops (resolved, but ended before a lowercase segment that more follow): "
      f"{len(early)} ({100 * len(early) / max(len(paths), 1):.2f}%)")
for k, n in kinds.most_common():
    print(f"  {n:6} {k}")
for s, seg in unexplained[:25]:
    print(f"  ? {s['from']}:{s['line']} {s['import']} -> {s['to']} (stopped before `{seg}`)")
warnings = collections.Counter(
    m.group(1) for m in (re.match(r"warning: .*?: (orphan|`mod)", l) for l in open(warnings_path)) if m)
print(f"\nwarnings: {sum(1 for _ in open(warnings_path))} lines; orphan files {warnings['orphan']}, "
      f"x.rs + x/mod.rs {warnings['`mod']}")
for line in open(warnings_path):
    if ": orphan:" in line:
        print("  " + line.split(": orphan:")[0].removeprefix("warning: "))
PY

# speed: median of $RUNS runs, one core then all
cores=$(nproc)
mb=$(python3 -c "import json,os,sys; g=json.load(open('$out/graph.json')); print(sum(os.path.getsize(os.path.join('$corpus',f['path'])) for f in g['files'])/1e6)")
nfiles=$(python3 -c "import json; print(len(json.load(open('$out/graph.json'))['files']))")
for jobs in 1 "$cores"; do
    times=()
    for _ in $(seq "$RUNS"); do
        s=$(date +%s.%N)
        "$bin" graph --format tsv --no-cache --jobs "$jobs" --config "$corpus/layers.toml" >/dev/null 2>&1
        e=$(date +%s.%N)
        times+=("$(echo "$e - $s" | bc)")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
    python3 -c "
t=$median; j=$jobs
print(f'--jobs {j}: median {t:.3f} s of $RUNS runs: {$nfiles/t:,.0f} files/s, {$mb/t:.1f} MB/s; per core {$nfiles/t/j:,.0f} files/s, {$mb/t/j:.1f} MB/s')"
done
rm -rf "$out"
