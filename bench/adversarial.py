#!/usr/bin/env python3
"""bench/adversarial.py - hostile repositories for the third adversarial pass (issue 16).

Usage:
  python3 bench/adversarial.py SHAPE N DIR     write repository SHAPE of size N into DIR
  python3 bench/adversarial.py --list          the shapes, one a line

DIR must not exist. Besides the repository (with its layers.toml, unless the shape is about
`archgate init`), DIR/.args holds the archgate arguments to time, one a line, and the run is
`cd DIR && archgate $(cat .args)`; a shape driving the Language Server writes DIR/.stdin, to
feed on standard input. Timing: `bench/adversarial.py` does not run archgate; see the "Third
adversarial pass" section of BENCHMARKS.md for the loop used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SHAPES = {}


def shape(fn):
    SHAPES[fn.__name__.replace("_", "-")] = fn
    return fn


def w(root: Path, rel: str, text: str) -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


CHECK = ["check", "--no-cache", "--format", "json"]

TWO_LAYERS = """[[layers]]
name = "api"
paths = ["app/api/**"]

[[layers]]
name = "core"
paths = ["app/core/**"]
"""

INDIRECT_LAYERS = """[check]
indirect = true

[[layers]]
name = "api"
paths = ["app/api/**"]

[[layers]]
name = "core"
paths = ["app/core/**"]
"""


def packages(root: Path, *names: str) -> None:
    for name in names:
        w(root, f"{name}/__init__.py", "")


def upward_files(root: Path, n: int) -> None:
    """n core files, each importing its own api file: n AG001 findings."""
    packages(root, "app", "app/api", "app/core")
    for i in range(n):
        w(root, f"app/core/c{i}.py", f"import app.api.a{i}\n")
        w(root, f"app/api/a{i}.py", "")


# --- adoption -------------------------------------------------------------------------------


@shape
def init_cycle(root, n):
    """n packages below `app`, in one import ring: init puts them in one layer."""
    packages(root, "app")
    for i in range(n):
        w(root, f"app/p{i}/__init__.py", "")
        w(root, f"app/p{i}/m.py", f"import app.p{(i + 1) % n}.m\n")
    return ["init"]


@shape
def init_dag(root, n):
    """n packages below `app`, each importing the next three: n layers."""
    packages(root, "app")
    for i in range(n):
        w(root, f"app/p{i}/__init__.py", "")
        body = "".join(f"import app.p{j}.m\n" for j in range(i + 1, min(n, i + 4)))
        w(root, f"app/p{i}/m.py", body)
    return ["init"]


@shape
def init_violations(root, n):
    """n packages in a chain plus n back edges to p0: cycles everywhere."""
    packages(root, "app")
    for i in range(n):
        w(root, f"app/p{i}/__init__.py", "")
        body = f"import app.p{i + 1}.m\n" if i + 1 < n else ""
        if i % 2 == 1:
            body += "import app.p0.m\n"
        w(root, f"app/p{i}/m.py", body)
    return ["init"]


@shape
def baseline_stale(root, n):
    """n findings and a baseline of n entries that match none of them (n AG012)."""
    upward_files(root, n)
    w(root, "layers.toml", TWO_LAYERS)
    entries = [
        {"rule": "upward-import", "path": f"app/core/x{i}.py", "target": f"app/api/a{i}.py",
         "import": f"app.api.a{i}", "count": 1}
        for i in range(n)
    ]
    entries.sort(key=lambda e: (e["rule"], e["path"], e["target"], e["import"]))
    lines = ",\n".join(json.dumps(e) for e in entries)
    w(root, "archgate-baseline.json", '{"version": 1, "entries": [\n' + lines + "\n]}\n")
    return CHECK


@shape
def baseline_one_file(root, n):
    """One file with n findings, all in the baseline (one entry each), and n more not."""
    packages(root, "app", "app/api", "app/core")
    w(root, "app/core/c.py", "".join(f"import app.api.a{i}\n" for i in range(2 * n)))
    for i in range(2 * n):
        w(root, f"app/api/a{i}.py", "")
    w(root, "layers.toml", TWO_LAYERS)
    entries = [
        {"rule": "upward-import", "path": "app/core/c.py", "target": f"app/api/a{i}.py",
         "import": f"app.api.a{i}", "count": 1}
        for i in range(0, 2 * n, 2)
    ]
    entries.sort(key=lambda e: (e["rule"], e["path"], e["target"], e["import"]))
    lines = ",\n".join(json.dumps(e) for e in entries)
    w(root, "archgate-baseline.json", '{"version": 1, "entries": [\n' + lines + "\n]}\n")
    return CHECK


@shape
def baseline_same_key(root, n):
    """One file importing the same module n times (one key, count n/2 in the baseline)."""
    packages(root, "app", "app/api", "app/core")
    w(root, "app/core/c.py", "import app.api.a\n" * n)
    w(root, "app/api/a.py", "")
    w(root, "layers.toml", TWO_LAYERS)
    entry = {"rule": "upward-import", "path": "app/core/c.py", "target": "app/api/a.py",
             "import": "app.api.a", "count": n // 2}
    w(root, "archgate-baseline.json", '{"version": 1, "entries": [\n' + json.dumps(entry) + "\n]}\n")
    return CHECK


@shape
def baseline_shrink(root, n):
    """`archgate baseline` shrinking a baseline of 2n entries where n still match."""
    baseline_one_file(root, n)
    return ["baseline", "--no-cache"]


@shape
def paths_args(root, n):
    """n files with a finding each; check with every file as a PATH argument."""
    upward_files(root, n)
    w(root, "layers.toml", TWO_LAYERS)
    return CHECK + [f"app/core/c{i}.py" for i in range(n)]


@shape
def paths_args_folders(root, n):
    """n folders with a finding each; check with every folder as a PATH argument."""
    packages(root, "app", "app/api", "app/core")
    for i in range(n):
        w(root, f"app/core/d{i}/c.py", f"import app.api.a{i}\n")
        w(root, f"app/api/a{i}.py", "")
    w(root, "layers.toml", TWO_LAYERS)
    return CHECK + [f"app/core/d{i}" for i in range(n)]


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "a", "GIT_AUTHOR_EMAIL": "a@b",
                        "GIT_COMMITTER_NAME": "a", "GIT_COMMITTER_EMAIL": "a@b"})


@shape
def changed_since(root, n):
    """n files with findings, committed, then every one edited: --changed-since HEAD."""
    upward_files(root, n)
    w(root, "layers.toml", TWO_LAYERS)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "x")
    for i in range(n):
        w(root, f"app/core/c{i}.py", f"import app.api.a{i}\nimport app.api.a{(i + 1) % n}\n")
    return CHECK + ["--changed-since", "HEAD"]


# --- harness --------------------------------------------------------------------------------


def many_modules_config(n: int) -> str:
    out = [TWO_LAYERS]
    for i in range(n):
        nxt = (i + 1) % n
        out.append(f'[[modules]]\nname = "m{i}"\npaths = ["app/core/m{i}/**"]\n'
                   f'may_import = ["m{nxt}"]\npublic = ["app/core/m{i}/__init__.py"]\n'
                   f'description = "module {i}"\n')
    for i in range(n):
        out.append(f'[[forbid]]\nfrom = "app/core/m0/**"\nto = "app/core/m{i}/x.py"\n'
                   f'reason = "r{i}"\n')
    return "\n".join(out)


def many_modules_repo(root: Path, n: int) -> None:
    packages(root, "app", "app/api", "app/core")
    for i in range(n):
        w(root, f"app/core/m{i}/__init__.py", "")
        w(root, f"app/core/m{i}/x.py", f"import app.core.m{(i + 1) % n}.x\n")
    w(root, "layers.toml", many_modules_config(n))


@shape
def where_modules(root, n):
    """n modules with may_import and public files, n [[forbid]] from m0: `where` on m0."""
    many_modules_repo(root, n)
    return ["where", "app/core/m0/x.py", "--format", "json", "--no-cache"]


@shape
def where_modules_human(root, n):
    many_modules_repo(root, n)
    return ["where", "app/core/m0/x.py", "--no-cache"]


@shape
def docs_big(root, n):
    """n layers, n modules, n [[forbid]] entries: `archgate docs`."""
    packages(root, "app")
    out = []
    for i in range(n):
        w(root, f"app/l{i}/x.py", "")
        out.append(f'[[layers]]\nname = "l{i}"\npaths = ["app/l{i}/**"]\ndescription = "d{i}"\n')
    for i in range(n):
        w(root, f"app/m{i}/x.py", "")
        out.append(f'[[modules]]\nname = "m{i}"\npaths = ["app/m{i}/**"]\n'
                   f'may_import = ["m{(i + 1) % n}"]\n')
    for i in range(n):
        out.append(f'[[forbid]]\nfrom = "m{i}"\nto = "l{i}"\nreason = "r{i}"\n')
    w(root, "layers.toml", "\n".join(out))
    return ["docs"]


@shape
def docs_check(root, n):
    """The same, `docs --check` against a file holding a different copy."""
    docs_big(root, n)
    w(root, "AGENTS.md", "x\n" * n)
    return ["docs", "--output", "AGENTS.md", "--check"]


def edges_repo(root: Path, n: int) -> None:
    """n/10 files each importing 10 others: n edges."""
    files = max(n // 10, 11)
    packages(root, "app")
    for i in range(files):
        body = "".join(f"import app.f{(i + k) % files}\n" for k in range(1, 11))
        w(root, f"app/f{i}.py", body)
    w(root, "layers.toml", '[[layers]]\nname = "app"\npaths = ["app/**"]\n')


@shape
def graph_tsv(root, n):
    edges_repo(root, n)
    return ["graph", "--no-cache"]


@shape
def graph_json(root, n):
    edges_repo(root, n)
    return ["graph", "--no-cache", "--format", "json"]


@shape
def graph_dot_layers(root, n):
    """n layers, each file importing the next layer's: dot over n layers."""
    packages(root, "app")
    out = []
    for i in range(n):
        w(root, f"app/l{i}/x.py", f"import app.l{(i + 1) % n}.x\nimport app.l{(i * 7 + 3) % n}.x\n")
        out.append(f'[[layers]]\nname = "l{i}"\npaths = ["app/l{i}/**"]\n')
    w(root, "layers.toml", "\n".join(out))
    return ["graph", "--no-cache", "--format", "dot"]


@shape
def graph_mermaid_layers(root, n):
    graph_dot_layers(root, n)
    return ["graph", "--no-cache", "--format", "mermaid"]


@shape
def impact_many(root, n):
    """impact of n PATH arguments on a graph of n files in a chain."""
    packages(root, "pkg")
    for i in range(n):
        body = f"import pkg.m{i + 1}\n" if i + 1 < n else ""
        w(root, f"pkg/m{i}.py", body)
    w(root, "layers.toml", "")
    return ["impact", "--no-cache", "--format", "json"] + [f"pkg/m{i}.py" for i in range(0, n, 2)]


# --- rules ----------------------------------------------------------------------------------


@shape
def externals_globs(root, n):
    """[check] externals of n trailing-* patterns, n imports of other packages (AG005)."""
    packages(root, "app")
    pats = ", ".join(f'"lib{i}x*"' for i in range(n))
    w(root, "layers.toml", f'[check]\nexternals = [{pats}]\n\n[[layers]]\nname = "app"\npaths = ["app/**"]\n')
    w(root, "app/x.py", "".join(f"import other{i}\nimport lib{i}xyz\n" for i in range(n)))
    return CHECK


@shape
def forbid_externals(root, n):
    """One [[forbid]] whose `to` is n `external:` patterns, n imports."""
    packages(root, "app")
    pats = ", ".join(f'"external:lib{i}x*"' for i in range(n))
    w(root, "layers.toml", f'[[forbid]]\nfrom = "app/**"\nto = [{pats}]\nreason = "r"\n')
    w(root, "app/x.py", "".join(f"import lib{i}xyz\nimport other{i}\n" for i in range(n)))
    return CHECK


@shape
def forbid_externals_many(root, n):
    """n [[forbid]] entries each banning one `external:` pattern, n imports."""
    packages(root, "app")
    out = [f'[[forbid]]\nfrom = "app/**"\nto = "external:lib{i}x*"\nreason = "r"\n' for i in range(n)]
    w(root, "layers.toml", "\n".join(out))
    w(root, "app/x.py", "".join(f"import lib{i}xyz\nimport other{i}\n" for i in range(n)))
    return CHECK


@shape
def forbid_globs_many(root, n):
    """n [[forbid]] entries with `**` globs that all match every file, n imports."""
    packages(root, "app")
    out = [f'[[forbid]]\nfrom = "app/**/f*.py"\nto = "app/**/g{i}*.py"\nreason = "r"\n' for i in range(n)]
    w(root, "layers.toml", "\n".join(out))
    for i in range(n):
        w(root, f"app/f{i}.py", f"import app.g{i}\n")
        w(root, f"app/g{i}.py", "")
    return CHECK


@shape
def slice_deep(root, n):
    """A {slice} template whose instances hold files 40 folders deep, n instances."""
    packages(root, "app")
    w(root, "layers.toml", '[[modules]]\nname = "f"\npaths = ["app/{slice}/**"]\nindependent = true\n'
      'public = ["app/{slice}/api.py"]\nmay_import = ["f/{slice}"]\n')
    deep = "/".join(f"d{k}" for k in range(40))
    for i in range(n):
        w(root, f"app/s{i}/{deep}/x.py", f"import app.s{(i + 1) % n}.api\n")
        w(root, f"app/s{i}/api.py", "")
    return CHECK


@shape
def slice_nested_tree(root, n):
    """One folder chain n deep (1-letter names, up to 1,800), a {slice} after `**`."""
    d = min(n, 1800)
    packages(root, "app")
    w(root, "layers.toml", '[[modules]]\nname = "f"\npaths = ["app/**/{slice}/x.py"]\nindependent = true\n')
    path = "app"
    for k in range(d):
        path += "/d"
        w(root, f"{path}/x.py", "import app.y\n")
    w(root, "app/y.py", "")
    return CHECK


@shape
def allow_many(root, n):
    """n upward imports, n exact [[allow]] entries for them, n allows that match nothing."""
    upward_files(root, n)
    out = [TWO_LAYERS]
    for i in range(n):
        out.append(f'[[allow]]\nfrom = "app/core/c{i}.py"\nto = "app/api/a{i}.py"\nreason = "r"\n')
        out.append(f'[[allow]]\nfrom = "app/core/c{i}.py"\nto = "app/api/a{i + 1}.py"\nreason = "r"\n')
    w(root, "layers.toml", "\n".join(out))
    return CHECK


@shape
def allow_globs(root, n):
    """n upward imports, n [[allow]] entries with globs each matching every file."""
    upward_files(root, n)
    out = [TWO_LAYERS]
    for i in range(n):
        out.append(f'[[allow]]\nfrom = "app/core/**"\nto = "app/api/a{i}.py"\nreason = "r"\n'
                   f'rules = ["forbidden-import"]\n')
    w(root, "layers.toml", "\n".join(out))
    return CHECK


@shape
def may_import_globs(root, n):
    """One module whose may_import is n path globs, n files importing outside it."""
    packages(root, "app")
    globs = ", ".join(f'"app/t{i}/**"' for i in range(n))
    w(root, "layers.toml", f'[[modules]]\nname = "m"\npaths = ["app/m/**"]\nmay_import = [{globs}]\n')
    for i in range(n):
        w(root, f"app/t{i}/x.py", "")
        w(root, f"app/m/f{i}.py", f"import app.t{i}.x\nimport app.o{i}\n")
        w(root, f"app/o{i}.py", "")
    return CHECK


@shape
def cycles_many(root, n):
    """n [[cycles]] entries, each scoped to one folder holding a two-file cycle."""
    packages(root, "app")
    out = []
    for i in range(n):
        w(root, f"app/c{i}/a.py", f"import app.c{i}.b\n")
        w(root, f"app/c{i}/b.py", f"import app.c{i}.a\n")
        out.append(f'[[cycles]]\npaths = ["app/c{i}/**"]\n')
    w(root, "layers.toml", "\n".join(out))
    return CHECK


@shape
def cycles_groups_ring(root, n):
    """n modules in one import ring, [[cycles]] between = "groups"."""
    packages(root, "app")
    out = ['[[cycles]]\nbetween = "groups"\n']
    for i in range(n):
        w(root, f"app/m{i}/x.py", f"import app.m{(i + 1) % n}.x\n")
        out.append(f'[[modules]]\nname = "m{i}"\npaths = ["app/m{i}/**"]\n')
    w(root, "layers.toml", "\n".join(out))
    return CHECK


@shape
def cycles_file_ring_per_scope(root, n):
    """n/100 [[cycles]] scopes all over one ring of n files."""
    packages(root, "app")
    out = [f'[[cycles]]\npaths = ["app/**", "!app/f{k}.py"]\n' for k in range(max(1, n // 100))]
    for i in range(n):
        w(root, f"app/f{i}.py", f"import app.f{(i + 1) % n}\n")
    w(root, "layers.toml", "\n".join(out))
    return CHECK


def independent_pairs(root: Path, n: int, indirect: bool) -> None:
    packages(root, "app")
    out = []
    for i in range(n):
        w(root, f"app/m{i}/x.py", f"import app.g{i}\n")
        w(root, f"app/g{i}.py", f"import app.m{(i + 1) % n}.x\n")
        out.append(f'[[modules]]\nname = "m{i}"\npaths = ["app/m{i}/**"]\n')
    for i in range(n):
        ind = "indirect = true\n" if indirect else ""
        out.append(f'[[independent]]\ngroups = ["m{i}", "m{(i + 1) % n}"]\nreason = "r"\n{ind}')
    w(root, "layers.toml", "\n".join(out))


@shape
def independent_many(root, n):
    """n [[independent]] contracts of two modules each (direct imports through glue)."""
    independent_pairs(root, n, False)
    return CHECK


@shape
def independent_many_indirect(root, n):
    """The same with indirect = true: each contract has one chain through a glue file."""
    independent_pairs(root, n, True)
    return CHECK


@shape
def independent_many_indirect_shared(root, n):
    """n two-member indirect contracts over one shared glue network of n files."""
    packages(root, "app")
    out = []
    for i in range(n):
        w(root, f"app/m{i}/x.py", f"import app.g{i}\n")
        w(root, f"app/g{i}.py", f"import app.g{(i + 1) % n}\nimport app.m{(i + 7) % n}.x\n")
        out.append(f'[[modules]]\nname = "m{i}"\npaths = ["app/m{i}/**"]\n')
    for i in range(n):
        out.append(f'[[independent]]\ngroups = ["m{i}", "m{(i + 1) % n}"]\nreason = "r"\nindirect = true\n')
    w(root, "layers.toml", "\n".join(out))
    return CHECK


@shape
def long_chains(root, n):
    """A trunk of n glue files, its last importing n api files: n chain findings of n links."""
    packages(root, "app", "app/api", "app/core", "app/glue")
    w(root, "layers.toml", INDIRECT_LAYERS)
    w(root, "app/core/c.py", "import app.glue.g0\n")
    for i in range(n):
        body = f"import app.glue.g{i + 1}\n" if i + 1 < n else "".join(
            f"import app.api.a{k}\n" for k in range(n))
        w(root, f"app/glue/g{i}.py", body)
        w(root, f"app/api/a{i}.py", "")
    return CHECK


@shape
def long_chains_human(root, n):
    long_chains(root, n)
    return ["check", "--no-cache", "--format", "human", "--color", "never"]


@shape
def long_chains_sarif(root, n):
    long_chains(root, n)
    return ["check", "--no-cache", "--format", "sarif"]


@shape
def long_chains_agent(root, n):
    long_chains(root, n)
    return ["check", "--no-cache", "--format", "agent"]


@shape
def long_cycle_chain(root, n):
    """[[cycles]] on one ring of n files: the finding's chain is the whole ring."""
    packages(root, "app")
    w(root, "layers.toml", '[[cycles]]\npaths = ["app/**"]\n')
    for i in range(n):
        w(root, f"app/f{i}.py", f"import app.f{(i + 1) % n}\n")
    return ["check", "--no-cache", "--format", "human", "--color", "never"]


# --- Rust -----------------------------------------------------------------------------------


# --- chains of imports (timed side by side by bench/hostile-chains.py) ---------------------


@shape
def chains_star(root, n):
    """One core file imports n unlayered files that each import the api: a cut of n links."""
    packages(root, "app", "app/api", "app/core", "app/glue")
    w(root, "layers.toml", INDIRECT_LAYERS)
    w(root, "app/core/c.py", "".join(f"import app.glue.u{i}\n" for i in range(n)))
    for i in range(n):
        w(root, f"app/glue/u{i}.py", "import app.api.a\n")
    w(root, "app/api/a.py", "")
    return CHECK


@shape
def chains_parallel(root, n):
    """n chains core/cI -> glue/uI -> api/aI: n links, each isolating one file."""
    packages(root, "app", "app/api", "app/core", "app/glue")
    w(root, "layers.toml", INDIRECT_LAYERS)
    for i in range(n):
        w(root, f"app/core/c{i}.py", f"import app.glue.u{i}\n")
        w(root, f"app/glue/u{i}.py", f"import app.api.a{i}\n")
        w(root, f"app/api/a{i}.py", "")
    return CHECK


@shape
def chains_fan(root, n):
    """n core files import one hub that imports n api files."""
    packages(root, "app", "app/api", "app/core", "app/glue")
    w(root, "layers.toml", INDIRECT_LAYERS)
    for i in range(n):
        w(root, f"app/core/c{i}.py", "import app.glue.hub\n")
        w(root, f"app/api/a{i}.py", "")
    w(root, "app/glue/hub.py", "".join(f"import app.api.a{i}\n" for i in range(n)))
    return CHECK


@shape
def chains_forbid(root, n):
    """n `[[forbid]]` entries with `indirect = true`, each with its own chain."""
    packages(root, "app", "app/api", "app/core", "app/glue")
    config = []
    for i in range(n):
        w(root, f"app/core/c{i}.py", f"import app.glue.u{i}\n")
        w(root, f"app/glue/u{i}.py", f"import app.api.a{i}\n")
        w(root, f"app/api/a{i}.py", "")
        config.append(f'[[forbid]]\nfrom = "app/core/c{i}.py"\nto = "app/api/a{i}.py"\n'
                      'reason = "r"\nindirect = true\n')
    w(root, "layers.toml", "\n".join(config))
    return CHECK


def slices(root: Path, n: int, hub_imports: str) -> None:
    """n independent slices pkg/sI (indirect = true), and pkg/hub.py in a module of its own."""
    packages(root, "pkg", *(f"pkg/s{i}" for i in range(n)))
    w(root, "layers.toml", '[[modules]]\nname = "slice"\npaths = ["pkg/{slice}/**"]\n'
      'independent = true\nindirect = true\n\n[[modules]]\nname = "hub"\n'
      'paths = ["pkg/hub.py"]\n')
    w(root, "pkg/hub.py", hub_imports)


@shape
def chains_hub_out(root, n):
    """One slice imports a hub that imports n other slices: n pairs through the hub."""
    slices(root, n, "".join(f"import pkg.s{i}\n" for i in range(1, n)))
    w(root, "pkg/s0/__init__.py", "import pkg.hub\n")
    return CHECK


@shape
def chains_hub_in(root, n):
    """n slices import a hub that imports one slice: n pairs, one link."""
    slices(root, n, "import pkg.s0\n")
    for i in range(1, n):
        w(root, f"pkg/s{i}/__init__.py", "import pkg.hub\n")
    return CHECK


def chain(root: Path, n: int) -> None:
    """pkg/m00000 -> m00001 -> ... -> m(n-1), and a risk tier on m00000."""
    packages(root, "pkg")
    w(root, "layers.toml", '[[risk]]\ntier = "high"\npaths = ["pkg/m00000.py"]\n')
    for i in range(n):
        w(root, f"pkg/m{i:05}.py", f"import pkg.m{i + 1:05}\n" if i + 1 < n else "")


@shape
def chains_impact(root, n):
    """impact of the last file of a chain of n: n importers, chains up to n links."""
    chain(root, n)
    return ["impact", "--no-cache", f"pkg/m{n - 1:05}.py"]


@shape
def chains_risk(root, n):
    """risk of a change to every file of a chain of n."""
    chain(root, n)
    return ["risk", "--no-cache", "pkg"]


def crate(root: Path, layers: str = "") -> None:
    w(root, "Cargo.toml", '[package]\nname = "c"\nversion = "0.1.0"\nedition = "2021"\n')
    w(root, "layers.toml", layers or '[[layers]]\nname = "all"\npaths = ["src/**"]\n')


@shape
def rust_path_attrs(root, n):
    """lib.rs with n `#[path = "...")] mod mN;` attributes, each file using the next."""
    crate(root)
    lib = "".join(f'#[path = "x/y{i}/f.rs"]\nmod m{i};\n' for i in range(n))
    w(root, "src/lib.rs", lib)
    for i in range(n):
        w(root, f"src/x/y{i}/f.rs", f"use crate::m{(i + 1) % n}::S;\npub struct S;\n")
    return CHECK


@shape
def rust_glob_chain(root, n):
    """m0 re-exports m1::*, which re-exports m2::* ... (n long); each module uses m0::S."""
    crate(root)
    w(root, "src/lib.rs", "".join(f"pub mod m{i};\n" for i in range(n)))
    for i in range(n):
        body = f"pub use crate::m{i + 1}::*;\n" if i + 1 < n else "pub struct S;\n"
        body += "use crate::m0::S as T;\n"
        w(root, f"src/m{i}.rs", body)
    return CHECK


@shape
def rust_glob_chain_inline(root, n):
    """The same chain as inline modules in one file."""
    crate(root)
    out = []
    for i in range(n):
        inner = f"pub use super::m{i + 1}::*;" if i + 1 < n else "pub struct S;"
        out.append(f"pub mod m{i} {{ {inner} use crate::m0::S as T; }}\n")
    w(root, "src/lib.rs", "".join(out))
    return CHECK


@shape
def rust_glob_cycle(root, n):
    """n modules each `pub use` the next's `*`, the last back to the first; lookups miss."""
    crate(root)
    w(root, "src/lib.rs", "".join(f"pub mod m{i};\n" for i in range(n)))
    for i in range(n):
        w(root, f"src/m{i}.rs", f"pub use crate::m{(i + 1) % n}::*;\nuse crate::m{i}::Missing{i};\n")
    return CHECK


@shape
def rust_use_group(root, n):
    """`use crate::a::{n0, ..., nN}` of n names, a defines them as modules."""
    crate(root)
    w(root, "src/lib.rs", "mod a;\nmod b;\n")
    w(root, "src/a.rs", "".join(f"pub mod n{i} {{}}\n" for i in range(n)))
    w(root, "src/b.rs", "use crate::a::{" + ", ".join(f"n{i}" for i in range(n)) + "};\n")
    return CHECK


@shape
def rust_use_chain(root, n):
    """m_i does `pub use crate::m_{i+1}::X as X;` n long (named re-export chain)."""
    crate(root)
    w(root, "src/lib.rs", "".join(f"pub mod m{i};\n" for i in range(n)))
    for i in range(n):
        body = f"pub use crate::m{i + 1}::X;\n" if i + 1 < n else "pub struct X;\n"
        body += "use crate::m0::X as Y;\n"
        w(root, f"src/m{i}.rs", body)
    return CHECK


@shape
def rust_macro_tokens(root, n):
    """One macro call whose token tree holds n `use crate::m::x;`-like tokens and n paths."""
    crate(root)
    w(root, "src/lib.rs", "mod m;\nmacro_rules! k { ($($t:tt)*) => {} }\nk! {\n"
      + "".join(f"use crate::m::x{i}; crate::m::y{i}(); {{ ( [ " for i in range(n))
      + "".join(" ] ) }" for i in range(n)) + "\n}\n")
    w(root, "src/m.rs", "")
    return CHECK


@shape
def rust_mod_tree(root, n):
    """n modules nested in folders: src/a/a/a/.../mod.rs 1 deep each, n siblings with n uses."""
    crate(root)
    w(root, "src/lib.rs", "".join(f"mod d{i};\n" for i in range(n)))
    for i in range(n):
        w(root, f"src/d{i}/mod.rs", f"mod e;\nuse crate::d{(i + 1) % n}::e::Z;\n")
        w(root, f"src/d{i}/e.rs", "pub struct Z;\n")
    return CHECK


# --- TypeScript -----------------------------------------------------------------------------


def ts_layers(root: Path) -> None:
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["src/**"]\n')


@shape
def ts_export_chain(root, n):
    """fI.ts `export * from "./fI+1"`, n long; each file imports { x } from f0."""
    ts_layers(root)
    for i in range(n):
        body = f'export * from "./f{i + 1}";\n' if i + 1 < n else "export const x = 1;\n"
        body += 'import { x as y } from "./f0";\n'
        w(root, f"src/f{i}.ts", body)
    return CHECK


@shape
def ts_export_chain_public(root, n):
    """The same chain, with f0.ts the public file of a module others import past."""
    for i in range(n):
        body = f'export * from "./f{i + 1}";\n' if i + 1 < n else "export const x = 1;\n"
        w(root, f"src/lib/f{i}.ts", body)
    for i in range(n):
        w(root, f"src/app/u{i}.ts", f'import {{ x{i} }} from "../lib/f{n - 1}";\n')
    w(root, "layers.toml", '[[modules]]\nname = "lib"\npaths = ["src/lib/**"]\npublic = ["src/lib/f0.ts"]\n'
      '[[modules]]\nname = "app"\npaths = ["src/app/**"]\n')
    return CHECK


@shape
def ts_barrel_cycle(root, n):
    """n barrels each `export * from` the next, the last back to the first; imports miss."""
    ts_layers(root)
    for i in range(n):
        w(root, f"src/b{i}/index.ts", f'export * from "../b{(i + 1) % n}";\nimport {{ missing{i} }} from "../b{(i + 1) % n}";\n')
    return CHECK


@shape
def ts_barrel_cycle_public(root, n):
    """The same cycle as a public module's barrels, each imported past by n users."""
    for i in range(n):
        w(root, f"src/lib/b{i}/index.ts", f'export * from "../b{(i + 1) % n}";\n')
        w(root, f"src/lib/b{i}/impl.ts", f"export const v{i} = 1;\n")
        w(root, f"src/app/u{i}.ts", f'import {{ v{i} }} from "../lib/b{i}/impl";\n')
    w(root, "layers.toml", '[[modules]]\nname = "lib"\npaths = ["src/lib/**"]\npublic = ["src/lib/b0/index.ts"]\n'
      '[[modules]]\nname = "app"\npaths = ["src/app/**"]\n')
    return CHECK


@shape
def tsconfig_paths(root, n):
    """tsconfig `paths` of n patterns `@pI/*`, n imports each through its own pattern."""
    ts_layers(root)
    paths = {f"@p{i}/*": [f"./src/p{i}/*"] for i in range(n)}
    w(root, "tsconfig.json", json.dumps({"compilerOptions": {"baseUrl": ".", "paths": paths}}))
    for i in range(n):
        w(root, f"src/p{i}/x.ts", "")
    w(root, "src/main.ts", "".join(f'import "@p{i}/x";\n' for i in range(n)))
    return CHECK


@shape
def tsconfig_paths_miss(root, n):
    """n patterns `@pI/*` and n imports of unknown packages, each tried against every pattern."""
    ts_layers(root)
    paths = {f"@p{i}/*": [f"./src/p{i}/*"] for i in range(n)}
    w(root, "tsconfig.json", json.dumps({"compilerOptions": {"baseUrl": ".", "paths": paths}}))
    w(root, "src/main.ts", "".join(f'import "q{i}/x";\n' for i in range(n)))
    return CHECK


@shape
def tsconfig_paths_many_targets(root, n):
    """One pattern `*` with n fallback targets, n imports that match none of them."""
    ts_layers(root)
    paths = {"*": [f"./src/t{i}/*" for i in range(n)]}
    w(root, "tsconfig.json", json.dumps({"compilerOptions": {"baseUrl": ".", "paths": paths}}))
    w(root, "src/main.ts", "".join(f'import "q{i}/x";\n' for i in range(n)))
    return CHECK


@shape
def pkg_exports(root, n):
    """A workspace package whose `exports` has n entries, n imports of its subpaths."""
    w(root, "package.json", json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"]}))
    exports = {f"./s{i}": {"types": f"./src/s{i}.ts", "import": f"./dist/s{i}.js"} for i in range(n)}
    w(root, "packages/core/package.json", json.dumps({"name": "@m/core", "exports": exports}))
    for i in range(n):
        w(root, f"packages/core/src/s{i}.ts", "")
    w(root, "packages/web/package.json", json.dumps({"name": "@m/web"}))
    w(root, "packages/web/src/main.ts", "".join(f'import "@m/core/s{i}";\n' for i in range(n)))
    w(root, "layers.toml", '[[layers]]\nname = "web"\npaths = ["packages/web/**"]\n\n'
      '[[layers]]\nname = "core"\npaths = ["packages/core/**"]\n')
    return CHECK


@shape
def pkg_exports_patterns(root, n):
    """`exports` of n subpath patterns `./sI/*`, n imports through them."""
    w(root, "package.json", json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"]}))
    exports = {f"./s{i}/*": f"./src/s{i}/*.ts" for i in range(n)}
    w(root, "packages/core/package.json", json.dumps({"name": "@m/core", "exports": exports}))
    for i in range(n):
        w(root, f"packages/core/src/s{i}/x.ts", "")
    w(root, "packages/web/package.json", json.dumps({"name": "@m/web"}))
    w(root, "packages/web/src/main.ts", "".join(f'import "@m/core/s{i}/x";\n' for i in range(n)))
    w(root, "layers.toml", '[[layers]]\nname = "web"\npaths = ["packages/web/**"]\n\n'
      '[[layers]]\nname = "core"\npaths = ["packages/core/**"]\n')
    return CHECK


@shape
def ts_workspaces_many(root, n):
    """n workspace packages, each importing the next by name."""
    w(root, "package.json", json.dumps({"name": "mono", "private": True, "workspaces": ["packages/*"]}))
    for i in range(n):
        w(root, f"packages/p{i}/package.json", json.dumps({"name": f"@m/p{i}", "main": "./src/index.ts"}))
        w(root, f"packages/p{i}/src/index.ts", f'import "@m/p{(i + 1) % n}";\n')
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["packages/**"]\n')
    return CHECK


@shape
def ts_tsconfigs_many(root, n):
    """n folders each with its own tsconfig.json (paths), each file importing an alias."""
    ts_layers(root)
    for i in range(n):
        w(root, f"src/p{i}/tsconfig.json", json.dumps({"compilerOptions": {"paths": {"@x/*": ["./*"]}}}))
        w(root, f"src/p{i}/a.ts", 'import "@x/b";\n')
        w(root, f"src/p{i}/b.ts", "")
    return CHECK


# --- Python ---------------------------------------------------------------------------------


@shape
def py_star_chain(root, n):
    """pkg/mI.py `from .mI+1 import *`, n long; each imports a name from m0."""
    packages(root, "pkg")
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["pkg/**"]\n')
    for i in range(n):
        body = f"from .m{i + 1} import *\n" if i + 1 < n else "x = 1\n"
        body += "from pkg.m0 import x\n"
        w(root, f"pkg/m{i}.py", body)
    return CHECK


@shape
def py_init_chain(root, n):
    """Nested packages n deep (capped at 1,500), each __init__ `from .sub import *`."""
    d = min(n, 1500)
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["p/**"]\n')
    path = "p"
    for k in range(d):
        w(root, f"{path}/__init__.py", "from .p import *\nimport " + path.replace("/", ".") + "\n")
        path += "/p"
    w(root, f"{path}/__init__.py", "x = 1\n")
    return CHECK


@shape
def py_dots(root, n):
    """One file with a relative import of n dots, n such imports in n files."""
    packages(root, "pkg")
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["pkg/**"]\n')
    for i in range(100):
        w(root, f"pkg/f{i}.py", f"from {'.' * n} import x\nfrom {'.' * n}y import z\n")
    return CHECK


@shape
def py_dots_deep(root, n):
    """Files 1,500 folders deep making n relative imports that climb all the way up."""
    d = 1500
    packages(root, "p")
    path = "p"
    for k in range(d):
        path += "/p"
        w(root, f"{path}/__init__.py", "")
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["p/**"]\n')
    w(root, f"{path}/x.py", "".join(f"from {'.' * (d + 1)} import n{i}\n" for i in range(n)))
    return CHECK


@shape
def py_from_import_many(root, n):
    """`from pkg import (n0, ..., nN)` of n names, pkg holds n submodules."""
    packages(root, "pkg")
    w(root, "layers.toml", '[[layers]]\nname = "all"\npaths = ["pkg/**", "main.py"]\n')
    for i in range(n):
        w(root, f"pkg/n{i}.py", "")
    w(root, "main.py", "from pkg import (" + ", ".join(f"n{i}" for i in range(n)) + ")\n")
    return CHECK


@shape
def py_public_reexport(root, n):
    """A public __init__.py and n imports past it, each name missing from the __init__."""
    packages(root, "app")
    w(root, "app/lib/__init__.py", "".join(f"from .m{i} import y{i}\n" for i in range(n)))
    for i in range(n):
        w(root, f"app/lib/m{i}.py", f"x{i} = 1\ny{i} = 1\n")
        w(root, f"app/u/f{i}.py", f"from app.lib.m{i} import x{i}\n")
    w(root, "layers.toml", '[[modules]]\nname = "lib"\npaths = ["app/lib/**"]\npublic = ["app/lib/__init__.py"]\n'
      '[[modules]]\nname = "u"\npaths = ["app/u/**"]\n')
    return CHECK


# --- Language Server ------------------------------------------------------------------------


def lsp(messages: list[dict]) -> bytes:
    out = bytearray()
    for m in messages:
        body = json.dumps(m).encode()
        out += f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    return bytes(out)


def lsp_session(root: Path, middle: list[dict]) -> None:
    uri = "file://" + str(root.resolve())
    msgs = [{"jsonrpc": "2.0", "id": 1, "method": "initialize",
             "params": {"processId": None, "rootUri": uri, "capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}}]
    msgs += middle
    msgs += [{"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
             {"jsonrpc": "2.0", "method": "exit", "params": None}]
    (root / ".stdin").write_bytes(lsp(msgs))


@shape
def server_open_many(root, n):
    """The server: n files opened one after the other, each with a finding."""
    upward_files(root, n)
    w(root, "layers.toml", TWO_LAYERS)
    base = "file://" + str(root.resolve())
    middle = [{"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": f"{base}/app/core/c{i}.py", "languageId": "python",
                                           "version": 1, "text": f"import app.api.a{i}\n"}}}
              for i in range(n)]
    lsp_session(root, middle)
    return ["server"]


@shape
def server_big_file(root, n):
    """The server: one open file with n findings."""
    packages(root, "app", "app/api", "app/core")
    text = "".join(f"import app.api.a{i}\n" for i in range(n))
    w(root, "app/core/c.py", text)
    for i in range(n):
        w(root, f"app/api/a{i}.py", "")
    w(root, "layers.toml", TWO_LAYERS)
    base = "file://" + str(root.resolve())
    middle = [{"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": f"{base}/app/core/c.py", "languageId": "python",
                                           "version": 1, "text": text}}},
              {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": f"{base}/app/core/c.py"},
                          "position": {"line": n - 1, "character": 10}}}]
    lsp_session(root, middle)
    return ["server"]


@shape
def server_changes(root, n):
    """The server: n didChange notifications of a small file, then n hovers."""
    upward_files(root, 10)
    w(root, "layers.toml", TWO_LAYERS)
    base = "file://" + str(root.resolve())
    u = f"{base}/app/core/c0.py"
    middle = [{"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": u, "languageId": "python", "version": 1,
                                           "text": "import app.api.a0\n"}}}]
    for i in range(n):
        middle.append({"jsonrpc": "2.0", "method": "textDocument/didChange",
                       "params": {"textDocument": {"uri": u, "version": i + 2},
                                  "contentChanges": [{"text": "import app.api.a0\n" * 50}]}})
    for i in range(n):
        middle.append({"jsonrpc": "2.0", "id": 10 + i, "method": "textDocument/hover",
                       "params": {"textDocument": {"uri": u}, "position": {"line": 0, "character": 10}}})
    lsp_session(root, middle)
    return ["server"]


@shape
def server_one_line(root, n):
    """The server: one open file with n imports on one line, hovered at its end."""
    packages(root, "app", "app/api", "app/core")
    text = "".join(f"import app.api.a{i}; " for i in range(n)) + "\n"
    w(root, "app/core/c.py", text)
    for i in range(n):
        w(root, f"app/api/a{i}.py", "")
    w(root, "layers.toml", TWO_LAYERS)
    base = "file://" + str(root.resolve())
    middle = [{"jsonrpc": "2.0", "method": "textDocument/didOpen",
               "params": {"textDocument": {"uri": f"{base}/app/core/c.py", "languageId": "python",
                                           "version": 1, "text": text}}},
              {"jsonrpc": "2.0", "id": 3, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": f"{base}/app/core/c.py"},
                          "position": {"line": 0, "character": len(text) - 5}}}]
    lsp_session(root, middle)
    return ["server"]


def main() -> int:
    if sys.argv[1:] == ["--list"]:
        print("\n".join(SHAPES))
        return 0
    if len(sys.argv) != 4 or sys.argv[1] not in SHAPES:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(sys.argv[3])
    root.mkdir(parents=True)
    args = SHAPES[sys.argv[1]](root, int(sys.argv[2]))
    (root / ".args").write_text("".join(a + "\n" for a in args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
