#!/usr/bin/env python3
"""rustc_oracle.py - compare archgate's Rust path resolution with rustc's (bench/rustc-oracle.sh).

Three subcommands:

  extract HIR_TREE CORPUS OUT.json
      Reads the output of `rustc -Zunpretty=hir-tree` for one library crate and writes, for
      every path in the crate's source that names something of the same crate, the site
      (file relative to CORPUS, line, column of the path's first character) and the file of
      the module archgate should report for it, with the idents, the syntax context and the
      resolution of every segment.

  table RESULTS.jsonl
      The Markdown table of agree/matched per crate, kind and build from compare's last lines.

  compare SITES.json GRAPH.json CRATE_DIR LABEL
      Matches those sites with the `use`, `reexport` and `path` sites of an `archgate graph
      --format json` run over CORPUS (CRATE_DIR is the crate's directory relative to CORPUS,
      e.g. tokio-1.54.1) by (file, line, column) and prints, per kind, matched / agreeing /
      disagreeing sites, the sites only one side has, and a classified sample of the
      disagreements; the last line is one JSON object of the counts for the summary table.

Which rustc fact is archgate's edge: archgate reports the file of the deepest module the path
walks through, written as it is written (items are not followed; a re-exported item's edge
goes to the module that re-exports it, the module named in the path). In the HIR every
segment of a resolved path carries its own `Res`; the segment `util` of
`crate::io::util::read_to_end` resolves to `Def(Mod, tokio::io::util)` even though the last
segment resolves to the function defined in `io::util::read_to_end`. So the oracle's edge is:
the deepest segment whose Res is `Def(Mod, ...)` (for a `use`, the last segment's Res is in
the item's per-namespace Res: a module there counts as the last segment), mapped to the file
of that module's `Mod` item (the `inner_span` rustc records for it: a `mod x;` file, or the
file holding an inline `mod x { }`). A module reached through a `use` binding
(`pub use self::imp::sync;` then `a::sync::X`) resolves in rustc to the module defined, which
is also what archgate reports since it follows module-level `use` bindings. A path whose
deepest module belongs to another crate (`crate::alloc::vec::Vec` through `extern crate
alloc`) has the edge `external`. rustc leaves the Res of leading `crate`, `self` and `super`
segments `Err`; they are resolved here from the module that holds the path's owner.

The parser reads the hir-tree's Debug output line by line; it relies on its layout (one field
per line, nested by four spaces), which is rustc's `{:#?}` of the HIR owner nodes.
"""
import collections
import json
import os
import re
import sys

SPAN = re.compile(r"span: (.+?):(\d+):(\d+): (\d+):(\d+) \(#(\d+)\)")
OWNER = re.compile(r"^DefId\((\d+):(\d+) ~ ([^)]*)\) => OwnerNodes \{$")
DEFID = re.compile(r"^DefId\((\d+):(\d+) ~ ([^)]*)\),?$")
IDENT = re.compile(r"^ident: (.*)#(\d+),$")


def crate_name(defpath):
    """`tokio[ee2b]::io::util` -> `tokio`."""
    return defpath.split("::", 1)[0].split("[", 1)[0]


def local_path(defpath):
    """`tokio[ee2b]::io::util` -> `io::util` (`` for the crate root)."""
    parts = defpath.split("::", 1)
    return parts[1] if len(parts) > 1 else ""


class Res:
    """One `Def(kind, DefId(...))` being read: its kind and DefId."""

    __slots__ = ("kind", "krate", "index", "defpath")

    def __init__(self):
        self.kind = None
        self.krate = None
        self.index = None
        self.defpath = None

    def as_list(self):
        return [self.kind, self.krate, self.index, self.defpath]


class PathRec:
    """A `Path { span, res, segments }` being read."""

    __slots__ = ("indent", "owner", "span", "res", "perns", "segments", "use_kind")

    def __init__(self, indent, owner):
        self.indent = indent
        self.owner = owner
        self.span = None
        self.res = None  # Res for a plain path
        self.perns = {}  # ns -> Res for a `use` path
        self.segments = []  # [ident, ctx, Res or None]
        self.use_kind = None


def enclosing_mod(defpath, mod_index):
    """The def path of the innermost module holding `defpath` (itself if it is one)."""
    while defpath not in mod_index and "::" in defpath:
        defpath = defpath.rsplit("::", 1)[0]
    return defpath if defpath in mod_index else None


def resolve_keywords(p, resolved, mod_index):
    """rustc leaves the Res of leading `crate`, `self`, `super` segments Err (but not always
    `$crate`): resolve them from the module holding the path's owner, as the language does."""
    if len(p.segments) < 2:
        return  # `self` alone is a method's receiver
    cur = enclosing_mod(p.owner, mod_index)
    for k, seg in enumerate(p.segments):
        if cur is None or seg[0] not in ("crate", "self", "super", "$crate"):
            return
        if resolved[k] is not None:
            return
        if seg[0] in ("crate", "$crate"):
            cur = p.owner.split("::", 1)[0]
        elif seg[0] == "super":
            cur = enclosing_mod(cur.rsplit("::", 1)[0], mod_index) if "::" in cur else None
        if cur is None:
            return
        r = Res()
        r.kind, r.krate, r.index, r.defpath = "Mod", 0, mod_index[cur], cur
        resolved[k] = r


def deepest_mod(resolved):
    mod = None
    for r in resolved:
        if r is not None and r.kind == "Mod":
            mod = r
    return mod


def mod_target(mod, mod_file):
    if mod.krate == 0:
        return mod_file.get(mod.index)
    return "external:" + crate_name(mod.defpath or "")


def extract(hir_path, corpus, out_path):
    corpus = os.path.abspath(corpus).rstrip("/") + "/"
    mod_file = {}  # DefId index of a local Mod -> file relative to the corpus
    mod_index = {}  # def path of a local Mod (`tokio[ee2b]::io::util`) -> its DefId index
    owner = None
    stack = []  # open PathRec
    paths = []  # finished PathRec
    # What the next `Def(` fills: (PathRec, "path" | ns | segment index)
    target = None
    pending = None  # Res being read after a `Def(` line
    ns = None
    in_use = False  # the current owner is a `use` item: its Path is the first one
    with open(hir_path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            s = line.lstrip(" ")
            indent = len(line) - len(s)
            if indent == 0:
                m = OWNER.match(s)
                if m:
                    owner = (int(m.group(1)), int(m.group(2)), m.group(3))
                continue
            if pending is not None:
                if s.startswith("DefId("):
                    m = DEFID.match(s)
                    if m:
                        pending.krate = int(m.group(1))
                        pending.index = int(m.group(2))
                        pending.defpath = m.group(3)
                    pending = None
                elif pending.kind is None:
                    pending.kind = s.rstrip(",(").strip()
                continue
            if s.startswith("inner_span: ") and owner is not None and owner[0] == 0:
                m = SPAN.match(s[len("inner_"):])
                if m and owner[1] not in mod_file and m.group(1).startswith(corpus):
                    mod_file[owner[1]] = m.group(1)[len(corpus):]
                    mod_index[owner[2]] = owner[1]
                continue
            if s == "kind: Use(":
                in_use = True
                continue
            if s == "Path {" or s.endswith(": Path {"):
                rec = PathRec(indent, owner[2] if owner else "")
                if in_use:
                    rec.use_kind = "?"
                    in_use = False
                stack.append(rec)
                target = None
                continue
            if not stack:
                continue
            top = stack[-1]
            rel = indent - top.indent
            if rel == 0 and s.startswith("}"):
                paths.append(stack.pop())
                target = None
                continue
            if rel == 4:
                if s.startswith("span: "):
                    m = SPAN.match(s)
                    if m:
                        top.span = (m.group(1), int(m.group(2)), int(m.group(3)),
                                    int(m.group(4)), int(m.group(5)), int(m.group(6)))
                    target = None
                elif s.startswith("res: "):
                    target = (top, "path")
                    if s == "res: Def(":
                        top.res = pending = Res()
                        target = None
                elif s.startswith("segments: "):
                    target = None
                continue
            if rel == 8:
                if target is not None and target[1] == "path":
                    if s.startswith(("value_ns:", "type_ns:", "macro_ns:")):
                        ns = s.split(":", 1)[0]
                elif s == "PathSegment {":
                    top.segments.append(["", 0, None])
                    target = None
                continue
            if target is not None and target[1] == "path" and s == "Def(" and ns:
                r = Res()
                top.perns[ns] = r
                pending = r
                continue
            if rel == 12 and top.segments:
                seg = top.segments[-1]
                m = IDENT.match(s)
                if m:
                    seg[0], seg[1] = m.group(1), int(m.group(2))
                elif s == "res: Def(":
                    seg[2] = pending = Res()
                continue
    # A use item's kind (`Single`, `Glob`, `ListStem`) follows its Path and is not read: a
    # `ListStem` (the `a::` of `use a::{b, c}`) has no segments and is dropped below.
    sites = collections.defaultdict(list)
    # Every line on which rustc lowered some path of the crate's source: an archgate site
    # on another line is in code rustc did not see (cfg'd out, a macro body never expanded).
    lines = sorted({f"{p.span[0][len(corpus):]}:{p.span[1]}" for p in paths
                    if p.span is not None and p.span[0].startswith(corpus)})
    for p in paths:
        if p.span is None or not p.span[0].startswith(corpus):
            continue
        resolved = [seg[2] for seg in p.segments]
        if p.use_kind is not None:
            # In a `use` Path the last segment's res is Err; its Res is per namespace.
            final = p.perns.get("type_ns") or p.perns.get("value_ns") or p.perns.get("macro_ns")
            if final is not None and resolved:
                if p.perns.get("type_ns") is not None and p.perns["type_ns"].kind == "Mod":
                    final = p.perns["type_ns"]
                resolved[-1] = final
        else:
            final = p.res
        resolve_keywords(p, resolved, mod_index)
        if not any(r is not None and r.krate == 0 for r in resolved + [final]):
            continue
        mod = deepest_mod(resolved)
        if mod is None:
            continue
        to = mod_target(mod, mod_file)
        if to is None:
            continue
        # `use crate::join;` where `join` is both a module and a function (`mod join;` and
        # `pub use join::join;`): the item imports both; the edge may go to either.
        other = None
        types = p.perns.get("type_ns")
        items = [r for n, r in p.perns.items() if n != "type_ns" and r.kind != "Mod"]
        if types is not None and types.kind == "Mod" and items:
            item_mod = deepest_mod(resolved[:-1])
            other = mod_target(item_mod, mod_file) if item_mod is not None else None
        # Where the named thing is defined: the module of the last segment's Res.
        defined = None
        last = resolved[-1] if resolved else None
        if last is not None and last.krate == 0 and last.defpath:
            holder = enclosing_mod(last.defpath if last.kind == "Mod"
                                   else last.defpath.rsplit("::", 1)[0], mod_index)
            defined = mod_file.get(mod_index[holder]) if holder else None
        rel_file = p.span[0][len(corpus):]
        sites[f"{rel_file}:{p.span[1]}:{p.span[2]}"].append({
            "to": to,
            "defined": defined,
            "other": other,
            "module": local_path(mod.defpath or "") if mod.krate == 0 else mod.defpath,
            "use": p.use_kind is not None,
            "ctx": p.span[5],
            "text": "::".join(seg[0] for seg in p.segments),
            "segments": [[seg[0], seg[1]] + (r.as_list() if r else [None] * 4)
                         for seg, r in zip(p.segments, resolved)],
        })
    # Deduplicate: a path in a macro body is expanded once per use of the macro.
    out = {}
    for key, recs in sorted(sites.items()):
        seen = {}
        for r in recs:
            seen.setdefault((r["to"], r["text"]), r)
        out[key] = {"targets": sorted({r["to"] for r in recs}),
                    "others": sorted({r["other"] for r in recs if r["other"]}),
                    "expansions": len(recs),
                    "records": list(seen.values())}
    with open(out_path, "w") as f:
        json.dump({"mod_files": {str(k): v for k, v in sorted(mod_file.items())},
                   "lines": lines,
                   "sites": out}, f, indent=0, sort_keys=True)
    print(f"{hir_path}: {len(paths)} paths, {len(mod_file)} local modules, "
          f"{len(out)} sites naming the crate", file=sys.stderr)


KINDS = ("use", "reexport", "path")


def segment_files(record, mod_files):
    """The file of each segment of a rustc record that resolves to a local module, in order."""
    return [mod_files.get(str(seg[4])) for seg in record["segments"]
            if seg[2] == "Mod" and seg[3] == 0]


def through_binding(record):
    """Whether the path walks through a module that a `use` binds (`pub use self::imp::sync;`
    then `a::sync::X`): a segment resolving to a module that is not the previous segment's
    module's child of that name."""
    prev = None
    for ident, _ctx, kind, krate, _index, defpath in record["segments"]:
        if kind != "Mod" or krate != 0:
            return False
        if prev is not None and ident not in ("self", "super", "crate", "$crate") \
                and defpath != prev + "::" + ident:
            return True
        prev = defpath
    return False


def classify(site, ag, mod_files, compiled):
    """A rough class for one disagreement (see BENCHMARKS.md)."""
    recs = site["records"]
    if not ag["to"].startswith(("unresolved:", "external:")) and ag["to"] not in compiled:
        return ("cfg: archgate's file is one this configuration does not compile "
                "(`#[cfg_attr(..., path = ...)]`, another platform's module)")
    if len(site["targets"]) > 1:
        return "macro: one site, several resolutions (a macro body expanded in several places)"
    if any(r["ctx"] != 0 for r in recs):
        return "macro: a path written in a macro body or made by one"
    if ag["to"].startswith("unresolved:"):
        return "archgate unresolved"
    walked = segment_files(recs[0], mod_files)
    if site["targets"][0].startswith("external:"):
        if walked and walked[-1] == ag["to"]:
            return ("rustc external, archgate the local module holding the `use` of the "
                    "external module (`use std::sync;` then `crate::sync::Mutex`)")
        return "rustc external, archgate local"
    if ag["to"].startswith("external:"):
        return "archgate external, rustc local"
    if ag["to"] in walked[:-1]:
        return "archgate stopped at a module before the one rustc reaches"
    return "archgate reached another module"


def compare(sites_path, graph_path, crate_dir, label):
    data = json.load(open(sites_path))
    sites = data["sites"]
    graph = json.load(open(graph_path))
    prefix = crate_dir.rstrip("/") + "/"
    ag_sites = {}
    for s in graph["imports"]:
        if s["kind"] in KINDS and s["from"].startswith(prefix):
            ag_sites.setdefault(f"{s['from']}:{s['line']}:{s['column']}", s)
    compiled = {k.rsplit(":", 2)[0] for k in sites} | set(data["mod_files"].values())
    lines = set(data["lines"])
    counts = {k: collections.Counter() for k in KINDS}
    samples = collections.defaultdict(list)
    classes = {k: collections.Counter() for k in KINDS}
    matched_keys = set()
    for key, ag in sorted(ag_sites.items()):
        site = sites.get(key)
        kind = ag["kind"]
        if site is None:
            if ag["to"].startswith("external:"):
                counts[kind]["archgate alone, external"] += 1
            elif key.rsplit(":", 1)[0] in lines:
                counts[kind]["archgate alone, on a line rustc lowered"] += 1
                samples[(kind, "archgate alone, on a line rustc lowered")].append((key, ag, None))
            elif ag["from"] in compiled:
                counts[kind]["archgate alone, in a compiled file"] += 1
            elif not ag["from"].startswith(prefix + "src/"):
                counts[kind]["archgate alone, in another target (tests/, benches/, examples/, build.rs)"] += 1
            else:
                counts[kind]["archgate alone, in a file rustc did not compile"] += 1
            continue
        matched_keys.add(key)
        counts[kind]["matched"] += 1
        to = ag["to"]
        ok = to in site["targets"] or (
            to.startswith("external:") and any(t.startswith("external:") for t in site["targets"]))
        if any(r["defined"] and r["defined"] != r["to"] for r in site["records"]):
            counts[kind]["matched, the item defined in another module than the one written"] += 1
            if ok:
                counts[kind]["agree, the item defined in another module than the one written"] += 1
        if any(through_binding(r) for r in site["records"]):
            counts[kind]["matched, through a module a `use` binds"] += 1
            if ok:
                counts[kind]["agree, through a module a `use` binds"] += 1
        if ok:
            counts[kind]["agree"] += 1
        elif to in site["others"]:
            # The name is a module and an item: archgate took the item's module.
            counts[kind]["agree"] += 1
            counts[kind]["agree through the item of a name that is also a module"] += 1
        else:
            counts[kind]["disagree"] += 1
            c = classify(site, ag, data["mod_files"], compiled)
            classes[kind][c] += 1
            samples[(kind, c)].append((key, ag, site))
    rustc_alone = collections.Counter()
    for key, site in sites.items():
        if key not in matched_keys:
            macro = any(r["ctx"] != 0 for r in site["records"])
            use = any(r["use"] for r in site["records"])
            first = site["records"][0]["text"].split("::", 1)[0]
            keyword = first in ("crate", "self", "super", "$crate", "")
            what = (("use" if use else "path")
                    + (" from crate/self/super/$crate" if keyword else " from an imported name")
                    + (", macro" if macro else ""))
            rustc_alone[what] += 1
            if keyword and not macro:
                samples[("rustc alone", what)].append((key, None, site))
    print(f"== {label}: {crate_dir}")
    print(f"rustc sites naming the crate: {len(sites)}; archgate use/reexport/path sites: "
          f"{len(ag_sites)}")
    for kind in KINDS:
        c = counts[kind]
        print(f"  {kind:9} matched {c['matched']:6}  agree {c['agree']:6}  "
              f"disagree {c['disagree']:5}  | archgate alone: external {c['archgate alone, external']}, "
              f"lowered line {c['archgate alone, on a line rustc lowered']}, "
              f"other line of a compiled file {c['archgate alone, in a compiled file']}, "
              f"src/ file not compiled {c['archgate alone, in a file rustc did not compile']}, "
              f"other target {c['archgate alone, in another target (tests/, benches/, examples/, build.rs)']}")
        if c["matched, the item defined in another module than the one written"]:
            print(f"      (of the matched, {c['matched, the item defined in another module than the one written']} "
                  f"name an item defined in another module than the one written, through a `use`; "
                  f"archgate agrees on {c['agree, the item defined in another module than the one written']})")
        if c["matched, through a module a `use` binds"]:
            print(f"      (of the matched, {c['matched, through a module a `use` binds']} walk through a "
                  f"module that a `use` binds; archgate agrees on {c['agree, through a module a `use` binds']})")
        if c["agree through the item of a name that is also a module"]:
            print(f"      ({c['agree through the item of a name that is also a module']} of the agreeing "
                  f"name a module and an item at once, archgate's edge is the item's module)")
        for cl, n in classes[kind].most_common():
            print(f"      {n:5} {cl}")
    print("  rustc alone: " + ", ".join(f"{k} {n}" for k, n in sorted(rustc_alone.items())))
    for (kind, cl), items in sorted(samples.items()):
        print(f"  -- {kind}: {cl} ({len(items)})")
        for key, ag, site in items[:8]:
            if site is None:
                print(f"     {key} `{ag['import']}` archgate {ag['to']}")
                continue
            r = site["records"][0]
            if ag is None:
                print(f"     {key} `{r['text']}` rustc {' / '.join(site['targets'])}")
                continue
            print(f"     {key} `{ag['import']}` archgate {ag['to']} | rustc {' / '.join(site['targets'])}"
                  f" (module {r['module'] or 'crate root'}, ctx #{r['ctx']})")
    print(json.dumps({"label": label, "crate": crate_dir,
                      "counts": {k: dict(v) for k, v in counts.items()},
                      "classes": {k: dict(v) for k, v in classes.items()},
                      "rustc_alone": {k: v for k, v in rustc_alone.items()}}, sort_keys=True))


def table(results_path):
    """A Markdown table of agree/matched per crate, kind and build from compare's JSON lines."""
    rows = [json.loads(line) for line in open(results_path) if line.strip()]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    crates = list(dict.fromkeys(r["crate"] for r in rows))
    by = {(r["crate"], r["label"]): r for r in rows}
    print("| crate | kind | " + " | ".join(f"{l}: agree/matched" for l in labels) + " |")
    print("|---|---|" + "---:|" * len(labels))
    totals = {l: {k: [0, 0] for k in KINDS} for l in labels}
    for crate in crates:
        for kind in KINDS:
            cells = []
            for l in labels:
                c = by.get((crate, l), {"counts": {}})["counts"].get(kind, {})
                a, m = c.get("agree", 0), c.get("matched", 0)
                totals[l][kind][0] += a
                totals[l][kind][1] += m
                cells.append(f"{a}/{m}" + (f" ({m - a} differ)" if m - a else ""))
            print(f"| {crate} | {kind} | " + " | ".join(cells) + " |")
    for kind in KINDS:
        cells = []
        for l in labels:
            a, m = totals[l][kind]
            cells.append(f"**{a}/{m}**" + (f" ({m - a} differ)" if m - a else ""))
        print(f"| all | {kind} | " + " | ".join(cells) + " |")


def main(argv):
    if len(argv) == 5 and argv[1] == "extract":
        extract(argv[2], argv[3], argv[4])
    elif len(argv) == 3 and argv[1] == "table":
        table(argv[2])
    elif len(argv) == 6 and argv[1] == "compare":
        compare(argv[2], argv[3], argv[4], argv[5])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
