#!/usr/bin/env python3
"""bench/indirect.py - archgate's indirect chains against import-linter (kedro) and the peers'
speed on one large independence contract (Home Assistant), issue 12 "Measure" and "Speed".

Usage:
  python3 bench/indirect.py ARCHGATE [--kedro DIR] [--homeassistant DIR] [--venv DIR]
                            [--runs N] [--il-timeout S] [--skip-ha-import-linter] [--repro DIR]

  ARCHGATE          the archgate binary (target/release/archgate)
  --kedro DIR       an unpacked kedro 1.7.0 sdist (pip download kedro==1.7.0 --no-deps
                    --no-binary :all: -d /tmp/kedro-dl; tar xzf ...)
  --homeassistant DIR  an unpacked homeassistant 2024.12.5 sdist (../shared/bench/python-peers.sh
                    puts it in /tmp/corpora/homeassistant-2024.12.5)
  --venv DIR        a virtualenv with import-linter 2.x and tach (default /tmp/peers-venv)

1. kedro: kedro's own import-linter contracts (bench/configs/kedro-1.7.0.importlinter.toml: the
   four contracts of its pyproject.toml without `ignore_imports`) against their translation
   (bench/configs/kedro-1.7.0.layers.toml, `indirect = true`). import-linter is driven through
   its Python API so that its chains are read as data, not scraped from its text. Checked:
   (a) every chain import-linter reports passes through a link archgate reports for the same
       contract (a direct finding's import or a chain finding's cut link, `path` -> `target`);
   (b) every archgate finding is explained: its link lies on a chain import-linter reports for
       that contract ("on a chain"), or at least its chain joins a pair of modules import-linter
       reports broken ("pair");
   (c) the cut is a cut and has no spare link: on archgate's own graph (`archgate graph --format
       tsv`), with SPEC §8's chain semantics re-implemented here, removing every reported link
       leaves no chain, and each chain link is needed (restoring it alone reopens a chain);
       "links needed" is what is left after dropping spare links one at a time (still a cut).
       import-linter's chains vary from run to run (set order), its pairs do not.
2. Home Assistant: `homeassistant/components/{slice}/**` as an independent template with
   `indirect = true`; archgate cold (--no-cache) and warm, `tach check` (each integration a module
   with depends_on = [], direct imports only) and import-linter's independence contract over
   homeassistant.components.* (once, with a timeout). Check (c) is run on archgate's cut too,
   and the ordered pairs of integrations each tool reports are compared (tach's against
   archgate's direct findings, import-linter's against archgate's direct + chain pairs).
3. --repro DIR: two tiny repositories (layer order; independent template) where the merged
   per-pair cut holds a spare link: expected 1 finding, archgate gives 2.

The configs are copied to the corpus root as layers.toml / tach.toml (archgate's root is the
folder of its config); the corpus folders are scratch copies, nothing else is changed there.
Everything prints as plain-text tables; exit status 0 unless a tool could not run.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIGS = HERE / "configs"

# ----------------------------------------------------------------------------- helpers


def run(cmd, cwd, timeout=None):
    """Runs cmd, returns (seconds, returncode, stdout, stderr); rc None on timeout."""
    t0 = time.perf_counter()
    env = {**os.environ, "COLUMNS": "200"}  # import-linter's rich output wraps at 80 otherwise
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)
        return time.perf_counter() - t0, p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        return time.perf_counter() - t0, None, out, ""


def timed(cmd, cwd, runs, slow=60.0, timeout=None):
    """Median wall seconds of up to `runs` runs (one only when the first exceeds `slow`)."""
    times, last = [], None
    for i in range(runs):
        last = run(cmd, cwd, timeout)
        times.append(last[0])
        if last[1] is None or last[0] > slow:
            break
    return statistics.median(times), len(times), last


def table(title, header, rows):
    print(f"\n{title}")
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))


def module_of(path: str) -> str:
    """kedro/io/core.py -> kedro.io.core; kedro/io/__init__.py -> kedro.io."""
    p = path[:-3] if path.endswith(".py") else path
    parts = p.split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def load_graph(archgate, root):
    """archgate's file graph: {file: {imported file: [lines]}} (internal imports only)."""
    _, rc, out, err = run([archgate, "graph", "--format", "tsv", "--no-cache"], root)
    if rc != 0:
        sys.exit(f"archgate graph failed ({rc}): {err}")
    succ = collections.defaultdict(lambda: collections.defaultdict(list))
    files = set()
    for row in out.splitlines():
        frm, to, line, _kind = row.split("\t")
        files.add(frm)
        if to.startswith(("external:", "unresolved:")) or to == frm:
            continue
        files.add(to)
        succ[frm][to].append(int(line))
    return files, succ


def archgate_json(archgate, root, extra=()):
    secs, rc, out, err = run([archgate, "check", "--format", "json", *extra], root)
    if rc not in (0, 1):
        sys.exit(f"archgate check failed ({rc}): {err}")
    return secs, json.loads(out)


# ----------------------------------------------------------------------------- SPEC §8 chains
# A contract for check (c): label(file) gives the file's group in the contract (None: a file a
# chain may pass through; a label that `bad` never pairs: a file chains stop at), and
# bad(a, b) says whether a chain from a file labelled a to one labelled b breaks it.


class Contract:
    def __init__(self, name, label, bad):
        self.name, self.label, self.bad = name, label, bad


def glob_prefix(g: str) -> str:
    """The folder a `dir/**` glob names (the configs here use only that form)."""
    assert g.endswith("/**") and "*" not in g[:-3], g
    return g[:-2]


def contracts_of(config: Path, files):
    """The indirect contracts of a layers.toml written with `dir/**` globs and {slice} templates."""
    doc = tomllib.loads(config.read_text())
    groups = {}  # name -> predicate(file) -> instance label or None

    def plain(paths):
        prefixes = [glob_prefix(p) for p in paths]
        return lambda f: any(f.startswith(p) for p in prefixes)

    layer_names = []
    for layer in doc.get("layers", []):
        groups[layer["name"]] = plain(layer["paths"])
        layer_names.append(layer["name"])
    templates = {}
    for mod in doc.get("modules", []):
        (p,) = mod["paths"]
        if "{slice}" in p:
            head = p.split("{slice}")[0]
            templates[mod["name"]] = (head, mod)
        else:
            groups[mod["name"]] = plain(mod["paths"])

    def member(names):
        return lambda f: next((n for n in names if groups[n](f)), None)

    out = []
    check_indirect = doc.get("check", {}).get("indirect", False)
    if check_indirect and layer_names:
        rank = {n: i for i, n in enumerate(layer_names)}
        out.append(Contract("layers", member(layer_names), lambda a, b: rank[b] < rank[a]))
    for ind in doc.get("independent", []):
        if ind.get("indirect", check_indirect):
            names = ind["groups"]
            out.append(Contract(ind.get("reason", "independent"), member(names), lambda a, b: a != b))
    for name, (head, mod) in templates.items():
        if mod.get("independent") and mod.get("indirect", check_indirect):
            def label(f, head=head):
                if not f.startswith(head):
                    return None
                rest = f[len(head):].split("/")
                return rest[0] if len(rest) > 1 else None
            out.append(Contract(name, label, lambda a, b: a != b))
    for fb in doc.get("forbid", []):
        if fb.get("indirect", check_indirect):
            src = member(fb["from"] if isinstance(fb["from"], list) else [fb["from"]])
            dst = member(fb["to"] if isinstance(fb["to"], list) else [fb["to"]])
            label = lambda f, src=src, dst=dst: "S" if src(f) else ("T" if dst(f) else None)
            out.append(Contract(fb["reason"], label, lambda a, b: (a, b) == ("S", "T")))
    return out


def chains_left(contract, files, succ, removed):
    """(source label, target label) pairs still joined by a chain once `removed` links are gone."""
    label = {f: contract.label(f) for f in files}
    by_label = collections.defaultdict(list)
    for f, l in label.items():
        if l is not None:
            by_label[l].append(f)
    left = set()
    for a, sources in by_label.items():
        seen, stack = set(), []
        for s in sources:
            for n in succ.get(s, ()):
                if label[n] is None and (s, n) not in removed and n not in seen:
                    seen.add(n)
                    stack.append(n)
        while stack:
            x = stack.pop()
            for n in succ.get(x, ()):
                if (x, n) in removed:
                    continue
                if label[n] is None:
                    if n not in seen:
                        seen.add(n)
                        stack.append(n)
                elif contract.bad(a, label[n]):
                    left.add((a, label[n]))
    return left


def spare_links(contract, files, succ, cut):
    """The links of `cut` whose restoring alone reopens no chain (the cut holds without them)."""
    label = {f: contract.label(f) for f in files}
    pred = collections.defaultdict(set)
    for f, ts in succ.items():
        for t in ts:
            pred[t].add(f)

    def groups(start, step, forward):
        # The labels a chain can start from (backward) or reach (forward) from `start`.
        if label[start] is not None:
            return {label[start]}
        seen, stack, found = {start}, [start], set()
        while stack:
            x = stack.pop()
            for n in step(x):
                if ((x, n) if forward else (n, x)) in cut:
                    continue
                if label[n] is None:
                    if n not in seen:
                        seen.add(n)
                        stack.append(n)
                else:
                    found.add(label[n])
        return found

    def spare(u, v):
        if label[u] is not None and label[v] is not None:
            return False  # a direct import: not a chain link
        back = groups(u, lambda x: pred.get(x, ()), False)
        fwd = groups(v, lambda x: succ.get(x, ()), True)
        return not any(contract.bad(a, b) for a in back for b in fwd)

    return [link for link in sorted(cut) if spare(*link)]


def prune(contract, files, succ, cut):
    """An irredundant part of `cut`: drops spare links one at a time (path order) while any."""
    cut = set(cut)
    while True:
        spare = spare_links(contract, files, succ, cut)
        if not spare:
            return cut
        cut.discard(spare[0])


# ----------------------------------------------------------------------------- import-linter
IL_DUMP = r"""
import json, sys, time
sys.path.insert(0, ".")
from importlinter import configuration
configuration.configure()
from importlinter.application import use_cases

def links_of(detailed):
    # A detailed chain (grimp route: heads -> middle -> tails) as its concrete chains.
    chain = [(l["importer"], l["imported"]) for l in detailed["chain"]]
    heads = [chain[0][0]] + [l["importer"] for l in detailed.get("extra_firsts", [])]
    tails = [chain[-1][1]] + [l["imported"] for l in detailed.get("extra_lasts", [])]
    out = []
    for h in heads:
        for t in tails:
            c = list(chain)
            if len(c) == 1:
                c = [(h, t)]
            else:
                c[0] = (h, c[0][1]); c[-1] = (c[-1][0], t)
            out.append(c)
    return out

t0 = time.perf_counter()
use_cases._register_built_in_contract_types()  # what lint_imports() does first
options = use_cases.read_user_options(sys.argv[1])
report = use_cases.create_report(options, cache_dir=None)
secs = time.perf_counter() - t0
contracts = []
for contract, check in report.get_contracts_and_checks():
    pairs = []
    meta = check.metadata or {}
    for dep in meta.get("invalid_dependencies", []):          # layers
        routes = dep["routes"]
        pairs.append({"importer": dep["importer"], "imported": dep["imported"], "routes": len(routes),
                      "chains": [c for r in routes for c in links_of(r)]})
    for dep in meta.get("invalid_chains", []):                 # forbidden, independence
        chains = dep["chains"]
        concrete = []
        for c in chains:
            if isinstance(c, dict):
                concrete += links_of(c)
            else:
                concrete.append([(l["importer"], l["imported"]) for l in c])
        pairs.append({"importer": dep["downstream_module"], "imported": dep["upstream_module"],
                      "routes": len(chains), "chains": concrete})
    contracts.append({"name": contract.name, "type": type(contract).__name__, "kept": check.kept,
                      "pairs": pairs})
json.dump({"seconds": secs, "contracts": contracts}, sys.stdout)
"""

# ----------------------------------------------------------------------------- 1. kedro

KEDRO_RULE = {  # import-linter contract type -> archgate rule
    "LayersContract": "upward-import",
    "IndependenceContract": "sibling-import",
    "ForbiddenContract": "forbidden-import",
}


def kedro(archgate, root: Path, venv: Path, runs: int):
    print(f"\n=== 1. kedro ({root}) against import-linter, every contract through chains")
    shutil.copy(CONFIGS / "kedro-1.7.0.layers.toml", root / "layers.toml")
    il_cfg = CONFIGS / "kedro-1.7.0.importlinter.toml"
    ag_secs, _, _ = timed([archgate, "check", "--no-cache", "--format", "json"], root, runs)
    _, report = archgate_json(archgate, root, ["--no-cache"])
    il_secs, _, (_, rc, _, _) = timed([str(venv / "bin/lint-imports"), str(il_cfg), "--no-cache",
                                       "--no-logo"], root, runs)
    _, rc2, out, err = run([str(venv / "bin/python"), "-c", IL_DUMP, str(il_cfg)], root)
    if rc2 != 0:
        sys.exit(f"import-linter API failed: {err}")
    il = json.loads(out)
    files, succ = load_graph(archgate, root)
    # The contracts of the layers.toml, in import-linter's order (layers, independence, forbid).
    specs = {c.name: c for c in contracts_of(root / "layers.toml", files)}

    rows, detail = [], []
    findings_seen = 0
    for c in il["contracts"]:
        rule = KEDRO_RULE[c["type"]]
        ours = [v for v in report["violations"] if v["rule"] == rule
                and (rule != "forbidden-import" or v["note"] == c["name"])]
        findings_seen += len(ours)
        links = {(module_of(v["path"]), module_of(v["target"])) for v in ours}
        chains = [ch for p in c["pairs"] for ch in p["chains"]]
        cut_chains = [ch for ch in chains if any(tuple(l) in links for l in ch)]
        missed = [ch for ch in chains if ch not in cut_chains]
        on_chain = {tuple(l) for ch in chains for l in ch}
        il_pairs = {(p["importer"], p["imported"]) for p in c["pairs"]}

        def pair_of(v):
            path = [v["path"]] + [l["target"] for l in v["chain"]] if v["chain"] else [v["path"], v["target"]]
            first = v["chain"][0]["path"] if v["chain"] else v["path"]
            last = v["chain"][-1]["target"] if v["chain"] else v["target"]
            return first, last, path

        explained_link = explained_pair = 0
        for v in ours:
            link = (module_of(v["path"]), module_of(v["target"]))
            first, last, _ = pair_of(v)
            fm, lm = module_of(first), module_of(last)
            pair_ok = any((fm == a or fm.startswith(a + ".")) and (lm == b or lm.startswith(b + "."))
                          for a, b in il_pairs)
            if link in on_chain:
                explained_link += 1
            elif pair_ok:
                explained_pair += 1
            else:
                detail.append(f"  UNEXPLAINED {c['name']}: {v['path']}:{v['line']} -> {v['target']}")
        for ch in missed:
            detail.append(f"  MISSED {c['name']}: " + " -> ".join([ch[0][0]] + [l[1] for l in ch]))
        # (c) on archgate's graph: the cut (direct imports and chain links) leaves no chain,
        # and no chain link is spare.
        key = "layers" if rule == "upward-import" else c["name"]
        spec = specs.get(key)
        cut = {(v["path"], v["target"]) for v in ours}
        left = chains_left(spec, files, succ, cut) if spec else "?"
        spare = spare_links(spec, files, succ, cut) if spec else []
        needed = len(prune(spec, files, succ, cut)) if spec else "?"
        for u, w in spare:
            v = next(v for v in ours if (v["path"], v["target"]) == (u, w))
            detail.append(f"  SPARE {c['name']}: {u}:{v['line']} -> {w} (the other links already cut its chains)")
        direct = sum(1 for v in ours if not v["indirect"])
        rows.append([
            c["name"][:40], "kept" if c["kept"] else "broken", len(c["pairs"]),
            sum(p["routes"] for p in c["pairs"]), len(chains), f"{len(cut_chains)}/{len(chains)}",
            len(ours), direct, len(ours) - direct, len(links),
            f"{explained_link}+{explained_pair}/{len(ours)}",
            "none" if not left else len(left), len(spare), needed])
    table("kedro: import-linter (IL) vs archgate (AG), per contract",
          ["contract", "IL", "IL pairs", "IL routes", "IL chains", "chains cut by AG",
           "AG findings", "direct", "chain", "AG links", "AG explained (chain+pair)",
           "chains left", "spare links", "links needed"], rows)
    others = [v for v in report["violations"] if v["rule"] not in KEDRO_RULE.values()]
    print(f"\narchgate findings outside the four contracts' rules: {len(others)}")
    for line in detail or ["  (every import-linter chain cut, every archgate finding explained, no spare link)"]:
        print(line)
    table("kedro: timings (median wall seconds)", ["tool", "seconds", "result"], [
        ["archgate check --no-cache", f"{ag_secs:.3f}", f"{report['summary']['violations']} findings"],
        ["lint-imports --no-cache", f"{il_secs:.3f}",
         f"{sum(not c['kept'] for c in il['contracts'])} of {len(il['contracts'])} contracts broken"],
    ])


# ----------------------------------------------------------------------------- 2. Home Assistant


def homeassistant(archgate, root: Path, venv: Path, runs: int, il_timeout: int, skip_il: bool):
    print(f"\n=== 2. Home Assistant ({root}): homeassistant/components/{{slice}}/** independent, indirect")
    cfg = CONFIGS / "homeassistant-2024.12.5-independent.layers.toml"
    shutil.copy(cfg, root / "layers.toml")
    load = open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else ["?"]
    rows = []
    cold, n_cold, (_, rc, out, _) = timed([archgate, "check", "--no-cache", "--format", "json"], root, runs)
    report = json.loads(out)
    v = report["violations"]
    chain = sum(1 for x in v if x["indirect"])
    found = f"{len(v)} findings ({len(v) - chain} direct import sites, {chain} chain links)"
    rows.append(["archgate check --no-cache (cold)", f"{cold:.2f}", n_cold, found])
    run([archgate, "graph", "--format", "tsv"], root)  # write the extraction cache (parsing only)
    warm, n_warm, _ = timed([archgate, "check", "--format", "json"], root, runs)
    rows.append(["archgate check (warm cache)", f"{warm:.2f}", n_warm, found])

    tach_pairs, il_pairs = set(), None
    tach_cfg = root / "tach.toml"
    saved = tach_cfg.read_bytes() if tach_cfg.exists() else None
    shutil.copy(CONFIGS / "homeassistant-2024.12.5-independent.tach.toml", tach_cfg)
    try:
        t, n_t, (_, _, tout, terr) = timed([str(venv / "bin/tach"), "check"], root, runs)
        text = tout + terr
        fails = re.findall(r"^\[FAIL\] (\S+?):(\d+): .*Module '([\w.]+)' cannot depend on '([\w.]+)'", text, re.M)
        tach_pairs = {(a.rsplit(".", 1)[-1], b.rsplit(".", 1)[-1]) for _, _, a, b in fails}
        rows.append(["tach check (direct imports only)", f"{t:.2f}", n_t,
                     f"{len(fails)} errors (one per imported name), {len({f[:2] for f in fails})} lines, "
                     f"{len(tach_pairs)} pairs"])
    finally:
        if saved is None:
            tach_cfg.unlink()
        else:
            tach_cfg.write_bytes(saved)

    if not skip_il:
        il_cfg = CONFIGS / "homeassistant-2024.12.5-independent.importlinter.ini"
        secs, rc, iout, _ = run([str(venv / "bin/lint-imports"), str(il_cfg), "--no-cache", "--no-logo"],
                                root, timeout=il_timeout)
        (root / "import-linter-independence.txt").write_text(iout)
        if rc is None:
            rows.append(["lint-imports --no-cache (independence)", f">{il_timeout}", 1, "timed out"])
        else:
            # (rich wraps at the terminal width: a pair's line may break anywhere between words)
            found_pairs = re.findall(r"^homeassistant\.components\.(\w+) is not allowed to\s+import\s+"
                                     r"homeassistant\.components\.(\w+):", iout, re.M)
            il_pairs = set(found_pairs)
            rows.append(["lint-imports --no-cache (independence)", f"{secs:.1f}", 1,
                         f"{len(found_pairs)} broken pairs, {iout.count(chr(10))} output lines (exit {rc})"])
    table(f"Home Assistant 2024.12.5 (load average before: {' '.join(load)})",
          ["tool", "wall s (median)", "runs", "result"], rows)

    # (c) on archgate's cut: no chain left, no spare link; and how many pairs the chains join.
    files, succ = load_graph(archgate, root)
    (spec,) = contracts_of(cfg, files)
    cut = {(x["path"], x["target"]) for x in v}
    before = chains_left(spec, files, succ, set())
    after = chains_left(spec, files, succ, cut)
    spare = spare_links(spec, files, succ, cut)
    chain_links = {(x["path"], x["target"]) for x in v if x["indirect"]}
    kept = prune(spec, files, succ, cut) & chain_links
    print(f"\narchgate's cut: {len(before)} ordered pairs of integrations joined by chains through "
          f"files of no integration; after removing the {len(cut)} reported links: {len(after)}; "
          f"of its {len(chain_links)} chain links {len(spare)} are spare (restoring one alone "
          f"reopens no chain); dropping spare links one at a time leaves {len(kept)}, still a cut")
    for u, w in spare[:20]:
        print(f"  SPARE {u} -> {w}")
    direct = set()
    for f, ts in succ.items():
        a = spec.label(f)
        for t in ts:
            b = spec.label(t)
            if a is not None and b is not None and a != b:
                direct.add((a, b))
    ag_direct = {(x["from_group"].split("/")[-1], x["to_group"].split("/")[-1]) for x in v if not x["indirect"]}
    ours = direct | before
    rows = [["archgate direct findings' pairs", len(ag_direct), "-", "-"],
            ["  the graph's direct pairs", len(direct), "-", "-"],
            ["tach's pairs", len(tach_pairs), len(tach_pairs & ag_direct), f"{len(tach_pairs - ag_direct)} / {len(ag_direct - tach_pairs)}"],
            ["archgate direct + chain pairs", len(ours), "-", "-"]]
    if il_pairs is not None:
        rows.append(["import-linter's broken pairs", len(il_pairs), len(il_pairs & ours),
                     f"{len(il_pairs - ours)} / {len(ours - il_pairs)}"])
    table("Home Assistant: ordered pairs of integrations", ["who", "pairs", "in common with archgate",
          "only theirs / only archgate's"], rows)
    if il_pairs is not None:
        for a, b in sorted(il_pairs - ours)[:10]:
            print(f"  import-linter only: {a} -> {b}")
        for a, b in sorted(ours - il_pairs)[:10]:
            print(f"  archgate only: {a} -> {b}")


# ----------------------------------------------------------------------------- 3. reproduction
# A cut computed pair by pair and merged keeps links that another pair's link already cuts: the
# kedro layers contract's kedro/ipython/__init__.py:22 -> kedro/framework/session/session.py.
REPRO = {
    "layers": ("""[check]
indirect = true

[[layers]]
name = "top"
paths = ["app/top/**"]

[[layers]]
name = "mid"
paths = ["app/mid/**"]

[[layers]]
name = "low"
paths = ["app/low/**"]
""", {"app/low/a.py": "import app.bridge\n",
      "app/hub.py": "import app.top.x\nimport app.top.y\nimport app.mid.m\n",
      "app/top/x.py": "X = 1\n", "app/top/y.py": "Y = 1\n", "app/mid/m.py": "M = 1\n"}),
    "template": ("""[[modules]]
name = "feat"
paths = ["app/feat/{slice}/**"]
independent = true
indirect = true
""", {"app/feat/a/x.py": "import app.bridge\n",
      "app/hub.py": "import app.feat.b.x\nimport app.feat.b.y\nimport app.feat.c.x\n",
      "app/feat/b/x.py": "X = 1\n", "app/feat/b/y.py": "Y = 1\n", "app/feat/c/x.py": "Z = 1\n"}),
}


def repro(archgate, base: Path):
    print("\n=== 3. reproduction: a spare link in the merged cut (expected: 1 finding, "
          "app/bridge.py:1 -> app/hub.py, cutting both pairs)")
    for name, (config, sources) in REPRO.items():
        root = base / f"repro-spare-{name}"
        shutil.rmtree(root, ignore_errors=True)
        sources = {"app/bridge.py": "import app.hub\n", **sources}
        for rel, text in sources.items():
            f = root / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(text)
        for d in [root / "app", *(p for p in (root / "app").rglob("*") if p.is_dir())]:
            (d / "__init__.py").touch()
        (root / "layers.toml").write_text(config)
        _, out = archgate_json(archgate, root, ["--no-cache"])
        got = [f"{v['path']}:{v['line']} -> {v['target']}" for v in out["violations"]]
        files, succ = load_graph(archgate, root)
        (spec,) = contracts_of(root / "layers.toml", files)
        spare = spare_links(spec, files, succ, {(v["path"], v["target"]) for v in out["violations"]})
        print(f"  {name} ({root}): {len(got)} findings: {'; '.join(got)}; spare: "
              + ("; ".join(f"{u} -> {w}" for u, w in spare) or "none"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("archgate")
    ap.add_argument("--kedro", type=Path)
    ap.add_argument("--homeassistant", type=Path)
    ap.add_argument("--venv", type=Path, default=Path("/tmp/peers-venv"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--il-timeout", type=int, default=900)
    ap.add_argument("--skip-ha-import-linter", action="store_true")
    ap.add_argument("--repro", type=Path, metavar="DIR",
                    help="also build the spare-link reproductions under DIR and run them")
    a = ap.parse_args()
    archgate = str(Path(a.archgate).resolve())
    if a.kedro:
        kedro(archgate, a.kedro.resolve(), a.venv, a.runs)
    if a.homeassistant:
        homeassistant(archgate, a.homeassistant.resolve(), a.venv, a.runs, a.il_timeout,
                      a.skip_ha_import_linter)
    if a.repro:
        repro(archgate, a.repro.resolve())
    if not (a.kedro or a.homeassistant or a.repro):
        ap.error("give --kedro, --homeassistant and/or --repro")


if __name__ == "__main__":
    main()
