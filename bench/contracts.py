#!/usr/bin/env python3
"""Run real projects' architecture contracts through archgate and through the peer tool they
were written for, on the same checkout, and print one table.

    python3 bench/contracts.py --archgate target/release/archgate --checkouts /tmp/contracts-co
        [--venv /tmp/peers-venv] [--node DIR_WITH_NODE] [--only chia,kedro] [--no-probes]
        [--json OUT.json]

`--checkouts DIR` holds one folder per project, named as in PROJECTS below (chia, gt4py,
wemake, napari, kedro, sqlfluff, depcruise, code-pushup), each a plain checkout of the commit named in the
header of `bench/contracts/<project>/layers.toml` (`bench/contracts/export.py GITDIR DIR` writes
one from a bare clone). A folder may also be given as `--checkout NAME=PATH`. Each project's
`layers.toml` is copied into its checkout (the checkout's own tach.toml / import-linter config /
.dependency-cruiser.mjs stay as they are); variants run on a copy under a temporary folder.

Peers: tach and lint-imports from `--venv` (bench scripts install tach 0.35.3 and import-linter
2.17 there); dependency-cruiser is the checkout's own `bin/dependency-cruise.mjs` run by the
`node` found in `--node` or on PATH (it needs `npm ci` in the checkout, Node >= 22); Nx is
nx 22.3.3 + @nx/eslint-plugin 22.3.3 + ESLint 9 + typescript-eslint installed in `--nx-peers`
(linked into a copy of the checkout as its node_modules; nx.json plugins are dropped there).
bench/contracts/README.md says how each was installed and what the table means.

Each variant compares findings as sets of (contract, importing file, line) for Python, and of
(contract, importing file, imported file or package) for dependency-cruiser, whose violations
carry no line. Only direct imports are compared; import-linter's chains of two or more links
are counted apart ("indirect, expected": archgate does not follow chains yet), and so are peer
findings of rules that have no translation ("not expressible").

Variants:
  head       the contracts as the project ships them.
  tc         (tach projects) TYPE_CHECKING imports counted: tach
             ignore_type_checking_imports = false, archgate type_only = "check".
  raw        (import-linter projects) ignore_imports dropped and the [[allow]] entries with them:
             the exceptions the project needed, found by both tools.
  probes     imports added to a copy of the checkout, one per pair of groups a contract names
             (every ordered pair: violations and allowed directions, several import spellings,
             TYPE_CHECKING near-misses for tach): both tools must agree on each.
"""

import argparse
import configparser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONTRACTS = HERE / "contracts"


# ----------------------------------------------------------------------------- archgate

def run_archgate(binary, root, paths=()):
    out = subprocess.run(
        [binary, "check", "--no-cache", "--format", "json", *paths],
        cwd=root, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        raise SystemExit(f"archgate failed in {root} (exit {out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout)


def warnings(report):
    return Counter(v["code"] for v in report["violations"] if v["severity"] == "warning")


# ----------------------------------------------------------------------------- python modules

class PyIndex:
    """Module name <-> file, for a checkout with the given source roots."""

    def __init__(self, root, roots):
        self.root = Path(root)
        self.roots = roots

    def file_of(self, module):
        rel = module.replace(".", "/")
        for r in self.roots:
            base = self.root / r / rel if r != "." else self.root / rel
            for cand in (base.with_suffix(".py"), base / "__init__.py"):
                if cand.is_file():
                    return str(cand.relative_to(self.root))
        return None

    def module_of(self, path):
        p = Path(path)
        for r in self.roots:
            try:
                rel = p.relative_to(r) if r != "." else p
            except ValueError:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            return ".".join(parts)
        return None


# ----------------------------------------------------------------------------- tach

def run_tach(venv, root):
    out = subprocess.run([f"{venv}/bin/tach", "check", "--output", "json"], cwd=root,
                         capture_output=True, text=True)
    try:
        data = json.loads(out.stdout or "[]")
    except json.JSONDecodeError:
        raise SystemExit(f"tach output not JSON in {root}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    found = set()
    other = Counter()
    for d in data:
        loc = d.get("Located")
        if not loc:
            other[json.dumps(d)[:80]] += 1
            continue
        code = loc["details"].get("Code", {})
        if "UndeclaredDependency" in code:
            found.add(("depends_on", loc["file_path"], loc["line_number"]))
        else:
            other[next(iter(code), "?")] += 1
    return found, other


def archgate_tach_keys(report):
    found, other = set(), Counter()
    for v in report["violations"]:
        if v["code"] == "AG004":
            found.add(("depends_on", v["path"], v["line"]))
        elif v["severity"] == "error":
            other[v["code"]] += 1
    return found, other


# ----------------------------------------------------------------------------- import-linter

def read_importlinter(root):
    """The import-linter options and contracts, from .importlinter, setup.cfg or pyproject.toml."""
    root = Path(root)
    for name in (".importlinter", "setup.cfg"):
        f = root / name
        if f.is_file():
            cp = configparser.ConfigParser()
            cp.read(f)
            if cp.has_section("importlinter"):
                top = dict(cp["importlinter"])
                contracts = []
                for s in cp.sections():
                    if s.startswith("importlinter:contract:"):
                        c = {}
                        for k, v in cp[s].items():
                            lines = [x.split("#")[0].strip() for x in v.splitlines()]
                            lines = [x for x in lines if x]
                            c[k] = lines if k not in ("name", "type", "containers") or len(lines) != 1 else lines[0]
                        if isinstance(c.get("containers"), str):
                            c["containers"] = [c["containers"]]
                        contracts.append(c)
                return top, contracts, (root / name)
    f = root / "pyproject.toml"
    cfg = tomllib.load(open(f, "rb"))["tool"]["importlinter"]
    contracts = []
    for c in cfg.get("contracts", []):
        c = dict(c)
        for k in ("containers", "source_modules", "forbidden_modules", "modules", "ignore_imports"):
            if isinstance(c.get(k), str):
                c[k] = [c[k]]
        contracts.append(c)
    top = {k: v for k, v in cfg.items() if k != "contracts"}
    return top, contracts, f


def run_lint_imports(venv, root, pythonpath):
    env = dict(os.environ, COLUMNS="100000")   # lint-imports wraps its lines at the terminal width
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([f"{venv}/bin/lint-imports", "--no-cache", "--no-logo"], cwd=root,
                         capture_output=True, text=True, env=env)
    text = out.stdout
    if "Contracts:" not in text:
        raise SystemExit(f"lint-imports failed in {root}:\n{text[-3000:]}\n{out.stderr[-3000:]}")
    return text


LINES = re.compile(r"\(l\.(\d+(?:, l\.\d+)*)\)\s*$")


def parse_lint_imports(text, index):
    """Direct findings {(contract, file, line)} and the number of indirect chains per contract."""
    direct, indirect = set(), Counter()
    part = text.split("Broken contracts", 1)
    if len(part) < 2:
        return direct, indirect
    lines = part[1].splitlines()
    contract = None
    chain = []

    def flush():
        if not chain:
            return
        arrows = [l for l in chain if "->" in l]
        if len(arrows) != 1:
            indirect[contract] += 1
        else:
            src = None
            for l in chain:
                m = LINES.search(l)
                body = LINES.sub("", l).strip().lstrip("-&").strip()
                if "->" in body:
                    src = body.split("->")[0].strip()
                    importer = src
                elif src is None:
                    importer = body          # an extra first: imports the same target
                else:
                    importer = src           # an extra last: imported by the same source
                f = index.file_of(importer) or f"<{importer}>"
                for n in m.group(1).split(", l.") if m else []:
                    direct.add((contract, f, int(n)))
        chain.clear()

    i = 0
    while i < len(lines):
        l = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if l.strip() and re.fullmatch(r"-+", nxt.strip() or "x") and not l.startswith(" "):
            flush()
            contract = l.strip()
            i += 2
            continue
        if re.match(r"^\s*-\s+\S", l):
            flush()
            chain.append(l)
        elif chain and l.strip() and (l.strip().startswith("&") or "->" in l or LINES.search(l)):
            chain.append(l)
        elif not l.strip() or l.rstrip().endswith(":"):
            flush()
        i += 1
    flush()
    return direct, indirect


def archgate_il_keys(report, layer_contracts):
    """(contract, file, line) of archgate's findings; the contract is the reason (forbid,
    independent) or, for the layer order, the project's layers contract."""
    found, other = set(), Counter()
    for v in report["violations"]:
        if v["code"] in ("AG002", "AG006"):
            found.add((v["note"], v["path"], v["line"]))
        elif v["code"] == "AG001":
            name = layer_contracts(v["from_layer"], v["to_layer"])
            found.add((name, v["path"], v["line"]))
        elif v["severity"] == "error":
            other[v["code"]] += 1
    return found, other


# ----------------------------------------------------------------------------- dependency-cruiser

DC_MAP = {  # depcruise rule -> the label archgate's findings get (None: not expressible)
    "cli-to-main-only": "cli-to-main-only", "report-stays-in-report": "report-stays-in-report",
    "extract-to-utl-only": "extract-to-utl-only", "bin-to-cli-only": "bin-to-cli-only",
    "no-dep-on-test": "no-dep-on-test", "no-dep-on-spec-files": "no-dep-on-spec-files",
    "no-external-to-here": "no-external-to-here", "only-type-only-to-dts": "only-type-only-to-dts",
    "restrict-fs-access": "restrict-fs-access", "no-inter-module-test": "no-inter-module-test",
    "no-deprecated-core": "no-deprecated-core",
    "not-to-dev-dep": "externals", "no-non-package-json": "externals",
    "optional-deps-used": "externals", "peer-deps-used": "externals",
}
DC_MODULE_RULE = {"cli": "cli-to-main-only", "report": "report-stays-in-report",
                  "extract": "extract-to-utl-only"}


def package_of(spec):
    if spec.startswith("node:"):
        spec = spec[5:]
    parts = spec.split("/")
    return "/".join(parts[:2]) if spec.startswith("@") else parts[0]


NODE_BUILTINS = set()


def node_builtins(node):
    env = dict(os.environ)
    if node:
        env["PATH"] = f"{node}:{env['PATH']}"
    out = subprocess.run(["node", "-p", "JSON.stringify(require('module').builtinModules)"],
                         capture_output=True, text=True, env=env)
    NODE_BUILTINS.update(json.loads(out.stdout))


def external_key(spec):
    """A core module by its full name without `node:` (fs/promises is not fs: depcruise's
    rules match the whole name), an npm package by its package name."""
    bare = spec[5:] if spec.startswith("node:") else spec
    if spec.startswith("node:") or bare in NODE_BUILTINS:
        return "external:" + bare
    return "external:" + package_of(bare)


def run_depcruise(node, root):
    env = dict(os.environ)
    if node:
        env["PATH"] = f"{node}:{env['PATH']}"
    out = subprocess.run(
        ["node", "bin/dependency-cruise.mjs", "src", "bin", "test", "configs", "types", "tools",
         "--no-cache", "--output-type", "json", "--progress", "none"],
        cwd=root, capture_output=True, text=True, env=env)
    try:
        return json.loads(out.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"dependency-cruiser failed in {root}:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")


def depcruise_keys(data):
    specs = {}
    for m in data["modules"]:
        for d in m["dependencies"]:
            specs[(m["source"], d["resolved"])] = d
    found, lost = set(), Counter()
    for v in data["summary"]["violations"]:
        rule = v["rule"]["name"]
        label = DC_MAP.get(rule)
        if label is None or v["rule"]["severity"] == "ignore":
            lost[rule] += 1
            continue
        d = specs.get((v["from"], v.get("to")))
        if d is None:
            lost[rule + " (module rule)"] += 1
            continue
        types = d["dependencyTypes"]
        external = "core" in types or any(t.startswith("npm") for t in types) or (
            d.get("couldNotResolve") and not d["module"].startswith((".", "#")))
        target = external_key(d["module"]) if external else v["to"]
        found.add((label, v["from"], target))
    return found, lost


def archgate_dc_keys(report):
    found, other = set(), Counter()
    for v in report["violations"]:
        target = v["target"] or external_key(v["import"])
        if v["code"] == "AG002":
            found.add((v["note"], v["path"], target))
        elif v["code"] == "AG004":
            found.add((DC_MODULE_RULE.get(v["from_group"], v["from_group"]), v["path"], target))
        elif v["code"] == "AG005":
            found.add(("externals", v["path"], target))
        elif v["severity"] == "error":
            other[v["code"]] += 1
    return found, other


# ----------------------------------------------------------------------------- Nx

NX_RULE = "@nx/enforce-module-boundaries"


def nx_env(a):
    env = dict(os.environ, NX_DAEMON="false", NX_NO_CLOUD="true", NX_TUI="false")
    if a.node:
        env["PATH"] = f"{a.node}:{env['PATH']}"
    return env


def nx_graph(a, root):
    """Link the peer's node_modules in, drop nx.json plugins (they only add inferred targets
    and need the whole devDependency tree), and write the project graph Nx's rule reads."""
    nm = Path(root) / "node_modules"
    if not nm.exists():
        nm.symlink_to(Path(a.nx_peers) / "node_modules")
    nxj = Path(root) / "nx.json"
    d = json.loads(nxj.read_text())
    d.pop("plugins", None)
    d.pop("nxCloudId", None)
    nxj.write_text(json.dumps(d, indent=2))
    out = Path(root) / ".archgate-nx-graph.json"
    r = subprocess.run(["node", "node_modules/nx/bin/nx.js", "graph", f"--file={out}"], cwd=root,
                       capture_output=True, text=True, env=nx_env(a))
    if not out.exists():
        raise SystemExit(f"nx graph failed in {root}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    g = json.loads(out.read_text())["graph"]
    nodes = g["nodes"]
    for n, v in nodes.items():
        v["deps"] = {d["target"] for d in g["dependencies"].get(n, []) if d["target"] in nodes}
    return nodes


def run_nx_eslint(a, root, nodes):
    roots = sorted(v["data"]["root"] for v in nodes.values()
                   if "lint" in v["data"].get("targets", {}) and v["data"]["root"] != ".")
    cfg = CONTRACTS / "code-pushup" / "nx-boundaries.eslint.config.mjs"
    shutil.copy(cfg, Path(root) / "archgate-nx-boundaries.eslint.config.mjs")
    r = subprocess.run(
        ["node", "node_modules/eslint/bin/eslint.js", "--config", "archgate-nx-boundaries.eslint.config.mjs",
         "--format", "json", "--no-warn-ignored", "--no-error-on-unmatched-pattern",
         *[f"{x}/**/*.{{ts,cjs,mjs,js}}" for x in roots]],
        cwd=root, capture_output=True, text=True, env=nx_env(a))
    try:
        data = json.loads(r.stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"eslint failed in {root}:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    found, lost = set(), Counter()
    for f in data:
        rel = os.path.relpath(f["filePath"], root)
        for m in f["messages"]:
            if m.get("ruleId") != NX_RULE:
                continue
            text = m["message"]
            # Nx stops at the first check an import fails and reports that one: compare import
            # sites, whichever of depConstraints / deep / relative import it names
            if "can only depend on libs tagged with" in text or "without tags matching" in text \
                    or "Deep imports" in text or "relative or absolute path" in text:
                found.add(("boundaries", rel, m["line"]))
            else:
                lost[text.split(".")[0][:60]] += 1
    return found, lost


def archgate_nx_keys(report):
    found, other = set(), Counter()
    for v in report["violations"]:
        if v["code"] in ("AG004", "AG007"):
            found.add(("boundaries", v["path"], v["line"]))
        elif v["severity"] == "error":
            other[v["code"]] += 1
    return found, other


def nx_probe_rounds(nodes, names):
    """Nx reports an import that closes a cycle between projects as a circular dependency and
    then checks nothing else about it, so probes must not close cycles. Round "down": every
    ordered pair (P, Q) with Q below P in a topological order of today's project graph. Round
    "up": the other pairs, added one by one while the graph (today's edges, plus those chosen)
    stays acyclic. A pair that would close a cycle with today's edges is not probed."""
    deps = {n: set(nodes[n]["deps"]) for n in nodes}
    order, seen = [], set()

    def visit(n):
        if n in seen:
            return
        seen.add(n)
        for m in sorted(deps[n]):
            visit(m)
        order.append(n)
    for n in sorted(deps):
        visit(n)
    pos = {n: i for i, n in enumerate(order)}          # dependencies first
    down = [(p, q) for p in names for q in names if p != q and pos[q] < pos[p]]

    def reaches(a, b, edges):
        stack, seen = [a], set()
        while stack:
            x = stack.pop()
            if x == b:
                return True
            if x not in seen:
                seen.add(x)
                stack.extend(edges.get(x, ()))
        return False
    edges = {n: set(d) for n, d in deps.items()}
    up, skipped = [], 0
    for p in names:
        for q in names:
            if p != q and pos[q] > pos[p]:
                if reaches(q, p, edges):
                    skipped += 1
                    continue
                edges.setdefault(p, set()).add(q)
                up.append((p, q))
    return {"down": down, "up": up}, skipped


def nx_probes(root, nodes, rnd):
    """Probes of one round in every linted project with a tsconfig alias, in a new
    src/archgate-probe.ts: the other project by its alias (a type-only import for every third
    pair), and for the first pair of each project also a relative and a deep import of one of
    the other project's internal files."""
    tsc = json.loads((Path(root) / "tsconfig.base.json").read_text())["compilerOptions"]["paths"]
    alias = {}
    for k, targets in tsc.items():
        for n, v in nodes.items():
            r = v["data"]["root"]
            if r != "." and targets[0].startswith(r + "/") and (Path(root) / targets[0]).exists():
                alias[n] = (k, targets[0])
    internal = {}
    for n in alias:
        src = Path(root) / nodes[n]["data"]["root"] / "src"
        files = sorted(p for p in src.rglob("*.ts") if "/lib/" in str(p)
                       and not p.name.endswith((".test.ts", ".d.ts")) and ".mock." not in p.name)
        if files:
            internal[n] = files[0]
    names = sorted(n for n in alias if "lint" in nodes[n]["data"].get("targets", {}))
    rounds, skipped = nx_probe_rounds(nodes, names)
    by_src = defaultdict(list)
    for p, q in rounds[rnd]:
        by_src[p].append(q)
    sites = []
    for i, p in enumerate(names):
        if not by_src[p]:
            continue
        f = Path(root) / nodes[p]["data"]["root"] / "src" / "archgate-probe.ts"
        lines = []
        for j, q in enumerate(by_src[p]):
            if (i + j) % 3 == 0:
                lines.append(f"import type {{}} from '{alias[q][0]}';")
            else:
                lines.append(f"import '{alias[q][0]}';")
        q = by_src[p][0]
        if q in internal:
            rel = os.path.relpath(internal[q], f.parent).replace(os.sep, "/")
            lines.append(f"import '{rel[:-3]}.js';")
            deep = alias[q][0] + "/" + str(internal[q].relative_to(Path(root) / nodes[q]["data"]["root"]))[:-3]
            lines.append(f"import '{deep}.js';")
        f.write_text("\n".join(lines) + "\n")
        rp = str(f.relative_to(root))
        sites += [(rp, k + 1) for k in range(len(lines))]
    return sites, skipped


# ----------------------------------------------------------------------------- probes

def append(root, rel, text, sites):
    """Append `text` to a file; record (file, line) of each import line it adds in `sites`."""
    p = Path(root) / rel
    old = p.read_text()
    start = old.count("\n") + (0 if old.endswith("\n") or not old else 1) + 2   # after a blank line
    with open(p, "a") as f:
        f.write(("" if old.endswith("\n") or not old else "\n") + "\n" + text + "\n")
    for i, line in enumerate(text.split("\n")):
        if "import " in line and line.strip() != "import typing":
            sites.append((rel, start + i))


def relative_import(index, src_file, dst, k):
    """`from ..x import y` naming module `dst` from `src_file`, or None (another top package)."""
    mod = index.module_of(src_file)
    pkg = mod.split(".") if src_file.endswith("__init__.py") else mod.split(".")[:-1]
    d = dst.split(".")
    n = 0
    while n < min(len(pkg), len(d)) and pkg[n] == d[n]:
        n += 1
    rest = d[n:]
    if n == 0 or not rest:
        return None
    dots = "." * (len(pkg) - n + 1)
    if len(rest) == 1:
        return f"from {dots} import {rest[0]} as _archgate_probe_{k}"
    return f"from {dots}{'.'.join(rest[:-1])} import {rest[-1]} as _archgate_probe_{k}"


def tach_probes(root):
    """For every tach module A and every other module B: `A` imports `B` in one of four
    spellings; one TYPE_CHECKING import per module (a near-miss while tach ignores them)."""
    cfg = tomllib.load(open(Path(root) / "tach.toml", "rb"))
    index = PyIndex(root, cfg.get("source_roots", ["."]))
    mods = [m["path"] for m in cfg["modules"]]
    sites = []
    for i, a in enumerate(mods):
        fa = index.file_of(a)
        lines = []
        for j, b in enumerate(mods):
            if a == b:
                continue
            parent, last = b.rsplit(".", 1)
            form = (i + j) % 4
            if form == 0:
                lines.append(f"import {b}")
            elif form == 1:
                lines.append(f"from {parent} import {last}")
            elif form == 2:
                lines.append(f"from {b} import __name__ as _archgate_probe_{j}")
            else:
                lines.append(relative_import(index, fa, b, j) or f"import {b} as _archgate_probe_{j}")
        other = mods[(i + 1) % len(mods)]
        lines += ["import typing", "if typing.TYPE_CHECKING:", f"    import {other}"]
        append(root, fa, "\n".join(lines), sites)
    return sites


def il_probes(root, contracts, index):
    """One import per ordered pair a contract relates: lower -> higher and higher -> lower for
    layers, every ordered pair for independence, every source x forbidden for forbidden."""
    adds = defaultdict(list)
    sites = []

    def probe(src, dst, k):
        f = index.file_of(src)
        if f is None:
            return
        if index.file_of(dst) is None and "." in dst:
            return
        parent = dst.rsplit(".", 1)
        form = k % 5
        rel = relative_import(index, f, dst, k)
        if form == 0 or len(parent) == 1:
            adds[f].append(f"import {dst}")
        elif form == 1:
            adds[f].append(f"from {parent[0]} import {parent[1]}")
        elif form == 3 and rel:
            adds[f].append(rel)
        elif form == 4:   # TYPE_CHECKING: import-linter counts these, as archgate's "check" does
            adds[f].append(f"import typing\nif typing.TYPE_CHECKING:\n    import {dst}")
        else:
            adds[f].append(f"from {dst} import __name__ as _archgate_probe_{k}")

    k = 0
    for c in contracts:
        t = c.get("type")
        if t == "layers":
            containers = c.get("containers") or [""]
            for cont in containers:
                names = [l for l in c["layers"]]
                full = [f"{cont}.{l}" if cont else l for l in names]
                for hi in range(len(full)):
                    for lo in range(hi + 1, len(full)):
                        probe(full[lo], full[hi], k); k += 1   # a violation
                        probe(full[hi], full[lo], k); k += 1   # allowed
        elif t == "independence":
            for a in c["modules"]:
                for b in c["modules"]:
                    if a != b:
                        probe(a, b, k); k += 1
        elif t == "forbidden":
            for a in c["source_modules"]:
                for b in c["forbidden_modules"]:
                    probe(a, b, k); k += 1
    for f, lines in adds.items():
        append(root, f, "\n".join(lines), sites)
    return sites


def dc_probes(root):
    """Hand-written imports for each translated dependency-cruiser rule, violations and
    near-misses, in new files (ES modules)."""
    probes = {
        "src/report/archgate-probe.mjs": [
            'import "../cli/index.mjs";',                 # report-stays-in-report
            'import "../utl/bus.mjs";',                    # allowed
            'import "../graph-utl/match-facade.mjs";',     # allowed
            'import "../meta.cjs";',                       # allowed
        ],
        "src/cli/archgate-probe.mjs": [
            'import "../extract/index.mjs";',              # cli-to-main-only
            'import "../main/index.mjs";',                 # allowed
            'import "./format.mjs";',                      # allowed ($1)
            'import "node:path";',                         # core: allowed
            'import "commander";',                         # npm: allowed
        ],
        "src/extract/archgate-probe.mjs": [
            'import "../report/index.mjs";',               # extract-to-utl-only
            'import "../utl/bus.mjs";',                    # allowed
        ],
        "bin/archgate-probe.mjs": [
            'import "./depcruise-fmt.mjs";',               # bin-to-cli-only (bin -> bin)
            'import "../src/meta.cjs";',                   # allowed
            'import "../src/cli/index.mjs";',              # allowed
            'import "../src/main/index.mjs";',             # bin-to-cli-only
        ],
        "src/main/archgate-probe.mjs": [
            'import "node:fs";',                           # restrict-fs-access
            'import "fs";',                                # restrict-fs-access
            'import "node:fs/promises";',                  # subpath: depcruise allows ("^fs$")
            'import "punycode";',                          # no-deprecated-core
            'import "node:domain";',                       # no-deprecated-core
            'import "mocha";',                             # not-to-dev-dep
            'import "left-pad-not-declared";',             # no-non-package-json (+ unresolvable)
            'import "../../test/backwards.utl.mjs";',      # no-dep-on-test
            'import "../../test/api.spec.mjs";',           # no-dep-on-test + no-dep-on-spec-files
            'import "../../types/shared-types.d.mts";',    # only-type-only-to-dts
        ],
        "tools/archgate-probe.mjs": [
            'import "../src/main/index.mjs";',             # no-external-to-here
            'import "mocha";',                             # allowed: tools may use devDependencies
        ],
        "test/main/archgate-probe.spec.mjs": [
            'import "../cache/cache.spec.mjs";',           # no-inter-module-test + no-dep-on-spec-files
            'import "../utl/dummy-environment.mjs";',      # allowed ("utl" in the path)
            'import "../backwards.utl.mjs";',              # allowed (not below test/X/)
        ],
    }
    n = 0
    for rel, lines in probes.items():
        p = Path(root) / rel
        ok = []
        for l in lines:
            spec = l.split('"')[1]
            if spec.startswith("."):
                if not (p.parent / spec).resolve().exists():
                    continue
            ok.append(l)
        p.write_text("\n".join(ok) + "\n")
        n += len(ok)
    return [None] * n


# ----------------------------------------------------------------------------- projects

def tach_project(name, label):
    def run(a, root, variant):
        if variant == "tc":
            t = Path(root) / "tach.toml"
            t.write_text("ignore_type_checking_imports = false\n" + t.read_text())
            lt = Path(root) / "layers.toml"
            lt.write_text(lt.read_text().replace('type_only = "ignore"', 'type_only = "check"'))
        n = tach_probes(root) if variant == "probes" else None
        peer, peer_other = run_tach(a.venv, root)
        rep = run_archgate(a.archgate, root)
        ours, our_other = archgate_tach_keys(rep)
        return dict(peer=peer, ours=ours, peer_other=peer_other, our_other=our_other,
                    indirect=Counter(), lost=Counter(), probes=n, warnings=warnings(rep))
    return dict(name=name, project=label, peer="tach 0.35.3", variants=["head", "tc", "probes"],
                run=run)


def il_project(name, label, roots, pythonpath, layer_contract):
    def run(a, root, variant):
        top, contracts, cfgfile = read_importlinter(root)
        index = PyIndex(root, roots)
        if variant == "raw":
            drop_ignores(cfgfile)
            lt = Path(root) / "layers.toml"
            lt.write_text(re.sub(r"\n\[\[allow\]\]\n(?:[^\[\n][^\n]*\n?)*", "\n", lt.read_text()))
        n = il_probes(root, contracts, index) if variant == "probes" else None
        peer, indirect = parse_lint_imports(run_lint_imports(a.venv, root, pythonpath), index)
        rep = run_archgate(a.archgate, root)
        ours, our_other = archgate_il_keys(rep, layer_contract)
        return dict(peer=peer, ours=ours, peer_other=Counter(), our_other=our_other,
                    indirect=indirect, lost=Counter(), probes=n, warnings=warnings(rep))
    return dict(name=name, project=label, peer="import-linter 2.17",
                variants=["head", "raw", "probes"], run=run)


def drop_ignores(cfgfile):
    text = cfgfile.read_text()
    if cfgfile.suffix == ".toml":
        text = re.sub(r"ignore_imports\s*=\s*\[[^\]]*\]\n", "", text)
    else:
        text = re.sub(r"ignore_imports\s*=\s*\n(?:(?:[ \t]+.*|[ \t]*#.*)?\n)*?(?=\S|\Z)", "", text)
    cfgfile.write_text(text)


def dc_project():
    def run(a, root, variant):
        if not NODE_BUILTINS:
            node_builtins(a.node)
        n = dc_probes(root) if variant == "probes" else None
        peer, lost = depcruise_keys(run_depcruise(a.node, root))
        rep = run_archgate(a.archgate, root, ["src", "bin", "test", "configs", "types", "tools"])
        ours, our_other = archgate_dc_keys(rep)
        # AG010/AG003 sit in layers.toml, which the PATHs above leave out: count them apart
        return dict(peer=peer, ours=ours, peer_other=Counter(), our_other=our_other,
                    indirect=Counter(), lost=lost, probes=n,
                    warnings=warnings(run_archgate(a.archgate, root)))
    return dict(name="depcruise", project="dependency-cruiser", peer="dependency-cruiser 18.1.1",
                variants=["head", "probes"], run=run)


def nx_project():
    def run(a, root, variant):
        nodes = nx_graph(a, root)
        sites, skipped = None, 0
        if variant.startswith("probes"):
            sites, skipped = nx_probes(root, nodes, variant.split("-")[1])
            nodes = nx_graph(a, root)
        peer, lost = run_nx_eslint(a, root, nodes)
        rep = run_archgate(a.archgate, root)
        ours, our_other = archgate_nx_keys(rep)
        return dict(peer=peer, ours=ours, peer_other=Counter(), our_other=our_other,
                    indirect=Counter(), lost=lost, probes=sites, warnings=warnings(rep),
                    skipped=skipped)
    return dict(name="code-pushup", project="code-pushup/cli (Nx)",
                peer="@nx/eslint-plugin 22.3.3", variants=["head", "probes-down", "probes-up"], run=run)


def one_layers_contract(name):
    return lambda lo, hi: name


PROJECTS = [
    tach_project("chia", "chia-blockchain"),
    tach_project("gt4py", "gt4py"),
    il_project("wemake", "wemake-python-styleguide", ["."], None,
               one_layers_contract("Layered architecture of our linter")),
    il_project("napari", "napari", ["src"], "src", one_layers_contract("-")),
    il_project("kedro", "kedro", ["."], None,
               one_layers_contract("CLI > Context > Library, Runner > Extras > IO & Pipeline")),
    il_project("sqlfluff", "sqlfluff", ["src"], "src",
               one_layers_contract("Dependency layers within core")),
    dc_project(),
    nx_project(),
]
CONTRACT_DIR = {"chia": "chia", "gt4py": "gt4py", "wemake": "wemake", "napari": "napari",
                "kedro": "kedro", "sqlfluff": "sqlfluff", "depcruise": "dependency-cruiser",
                "code-pushup": "code-pushup"}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archgate", required=True)
    ap.add_argument("--checkouts", help="folder with one checkout per project")
    ap.add_argument("--checkout", action="append", default=[], metavar="NAME=PATH")
    ap.add_argument("--venv", default="/tmp/peers-venv")
    ap.add_argument("--node", default=None, help="folder holding a node >= 22 binary")
    ap.add_argument("--nx-peers", default="/tmp/contracts-peers/nx",
                    help="folder whose node_modules hold nx, @nx/eslint-plugin, eslint, typescript-eslint")
    ap.add_argument("--only", default=None)
    ap.add_argument("--no-probes", action="store_true")
    ap.add_argument("--json", default=None, help="also write every finding here")
    ap.add_argument("--show", type=int, default=8, help="differences listed per variant")
    a = ap.parse_args()
    a.archgate = str(Path(a.archgate).resolve())
    where = dict(x.split("=", 1) for x in a.checkout)
    only = set(a.only.split(",")) if a.only else None
    rows, dump = [], {}
    tmp = Path(tempfile.mkdtemp(prefix="archgate-contracts-"))
    try:
        for p in PROJECTS:
            if only and p["name"] not in only:
                continue
            src = where.get(p["name"]) or (a.checkouts and os.path.join(a.checkouts, p["name"]))
            if not src or not os.path.isdir(src):
                print(f"skip {p['name']}: no checkout", file=sys.stderr)
                continue
            for variant in p["variants"]:
                if variant.startswith("probes") and a.no_probes:
                    continue
                root = tmp / f"{p['name']}-{variant}"
                shutil.copytree(src, root, symlinks=True,
                                ignore=shutil.ignore_patterns(".archgate_cache", ".tach", ".import_linter_cache"))
                shutil.copy(CONTRACTS / CONTRACT_DIR[p["name"]] / "layers.toml", root / "layers.toml")
                try:
                    r = p["run"](a, str(root), variant)
                except (SystemExit, OSError, subprocess.SubprocessError) as e:
                    print(f"skip {p['name']}/{variant}: {str(e)[:400]}", file=sys.stderr)
                    shutil.rmtree(root, ignore_errors=True)
                    continue
                both = r["peer"] & r["ours"]
                peer_only = sorted(r["peer"] - r["ours"])
                ours_only = sorted(r["ours"] - r["peer"])
                probes = r["probes"]
                if probes is not None and all(probes):
                    flagged = lambda keys: {(k[1], k[2]) for k in keys}
                    fp, fo = flagged(r["peer"]), flagged(r["ours"])
                    split = sum((s in fp) != (s in fo) for s in probes)
                    neither = sum(s not in fp and s not in fo for s in probes)
                    probes = f"{len(probes)} ({len(probes) - split - neither} flagged by both, {neither} by neither, {split} split)"
                    if r.get("skipped"):
                        probes += f"; {r['skipped']} pairs not probed (would close a project cycle)"
                elif probes is not None:
                    probes = str(len(probes))
                rows.append((p["project"], p["peer"], variant, probes, len(both), len(peer_only),
                             len(ours_only), sum(r["indirect"].values()), sum(r["lost"].values())))
                dump[f"{p['name']}/{variant}"] = dict(
                    both=sorted(both), peer_only=peer_only, archgate_only=ours_only,
                    indirect=dict(r["indirect"]), not_expressible=dict(r["lost"]),
                    peer_other=dict(r["peer_other"]), archgate_other=dict(r["our_other"]),
                    archgate_warnings=dict(r["warnings"]))
                for tag, items in (("peer-only", peer_only), ("archgate-only", ours_only)):
                    for it in items[:a.show]:
                        print(f"  {p['name']}/{variant} {tag}: {it}", file=sys.stderr)
                    if len(items) > a.show:
                        print(f"  {p['name']}/{variant} {tag}: ... {len(items) - a.show} more", file=sys.stderr)
                if r["lost"]:
                    print(f"  {p['name']}/{variant} not expressible: {dict(r['lost'])}", file=sys.stderr)
                if r["warnings"]:
                    print(f"  {p['name']}/{variant} archgate warnings: {dict(r['warnings'])}", file=sys.stderr)
                if r["our_other"] or r["peer_other"]:
                    print(f"  {p['name']}/{variant} other findings: archgate {dict(r['our_other'])}"
                          f" peer {dict(r['peer_other'])}", file=sys.stderr)
                shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    head = ("project", "peer", "variant", "probes", "both", "peer-only", "archgate-only",
            "indirect (expected)", "peer, not expressible")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for r in rows:
        print("| " + " | ".join("" if x is None else str(x) for x in r) + " |")
    if a.json:
        Path(a.json).write_text(json.dumps(dump, indent=1, default=list))


if __name__ == "__main__":
    main()
