#!/usr/bin/env python3
"""bench/rule-cost.py: does archgate's rule cost grow with the number of rules?

One contract on Django 5.1.4's `django/` package, "none of these 20 packages imports another",
in two spellings that mean the same thing:

  pairwise  380 `[[forbid]]` entries, one per ordered pair:  from = "django/a/**", to = "django/b/**"
  grouped    20 `[[forbid]]` entries, one per package:       from = "django/a/**", to = "django/{b,c,…}/**"

Both must report the same findings (the JSON violations equal in every field but `message` and
`help`, which name the matching entry), and the time of (pairwise) over (grouped) should be
close to 1 (issue 10, item 6: target ≤ 1.15×). Timed warm (cache primed, one cache folder per
spelling: parsing is out of the measurement, so the rule cost shows) and cold (`--no-cache`);
every round runs all four commands, pairwise first in even rounds and grouped first in odd
ones; medians over the rounds of wall time and of CPU time (user + system, steadier when the
machine is shared); `--format json` to /dev/null, so terminal rendering is not measured. When
tach is installed, the same contract as a tach.toml (each of the 20 modules `depends_on = []`,
`root_module = "ignore"`) is timed in the same rounds, and its diagnostics are checked to fall
on the same import statements as archgate's findings.

The 20 units are disjoint folders: Django's 14 top-level packages other than `contrib`, and the
6 largest `contrib` apps (Django has only 15 top-level packages, and `contrib` cannot stand
beside its own apps without overlapping them).

Usage:
  python3 bench/rule-cost.py [ARCHGATE] [--rounds N] [--corpora DIR] [--venv DIR]
      ARCHGATE: the binary to measure [default: target/release/archgate]
  python3 bench/rule-cost.py --write-configs
      regenerate bench/configs/django-rule-cost-{pairwise,grouped}.layers.toml and
      bench/configs/django-rule-cost.tach.toml (deterministic; the committed files must equal them)

bench/run.py imports this file (`measure`, `markdown`) so BENCHMARKS.md carries the section.
Standard library only.
"""
import argparse, ast, json, os, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
CONFIGS = os.path.join(HERE, "configs")

UNITS = [
    # Django's top-level packages, contrib aside
    "apps", "conf", "core", "db", "dispatch", "forms", "http", "middleware", "template",
    "templatetags", "test", "urls", "utils", "views",
    # the six largest contrib apps
    "contrib/admin", "contrib/auth", "contrib/contenttypes", "contrib/gis", "contrib/postgres",
    "contrib/sessions",
]
SPELLINGS = ("pairwise", "grouped")
REASON = "the 20 Django packages of the rule-cost benchmark stay independent of each other"


def exclude_line():
    """The exclude line of bench/configs/django.layers.toml, so both benchmarks read the same files."""
    for line in open(os.path.join(CONFIGS, "django.layers.toml")):
        if line.startswith("exclude"):
            return line
    raise SystemExit("bench/configs/django.layers.toml has no exclude line")


def header(spelling, entries):
    return (f"# Written by bench/rule-cost.py --write-configs; do not edit.\n"
            f"# Rule-cost benchmark, {spelling} spelling: {entries} [[forbid]] entries forbidding every import\n"
            f"# between {len(UNITS)} Django packages (the other spelling is django-rule-cost-"
            f"{'grouped' if spelling == 'pairwise' else 'pairwise'}.layers.toml).\n"
            f"{exclude_line()}")


def pairwise_config():
    out = [header("pairwise", len(UNITS) * (len(UNITS) - 1))]
    for a in UNITS:
        for b in UNITS:
            if a != b:
                out.append(f'\n[[forbid]]\nfrom = "django/{a}/**"\nto = "django/{b}/**"\nreason = "{REASON}"\n')
    return "".join(out)


def grouped_config():
    out = [header("grouped", len(UNITS))]
    for a in UNITS:
        others = ",".join(b for b in UNITS if b != a)
        out.append(f'\n[[forbid]]\nfrom = "django/{a}/**"\nto = "django/{{{others}}}/**"\nreason = "{REASON}"\n')
    return "".join(out)


def tach_config():
    """tach's spelling of the same contract: each unit a module that may depend on no other
    module; imports from or into code outside the 20 modules are not checked (root_module = "ignore")."""
    out = ["# Written by bench/rule-cost.py --write-configs; do not edit.\n"
           "# tach's spelling of the rule-cost contract (django-rule-cost-*.layers.toml): 20 modules, none\n"
           "# may import another. Same exclusions as ../shared/bench/python-peers.sh's django-tach.toml.\n"
           'source_roots = ["."]\n'
           'exclude = ["tests/", "docs/", "scripts/", "extras/", "js_tests/", "**/__pycache__", "build/", "Django.egg-info/"]\n'
           "ignore_type_checking_imports = false\n"
           'root_module = "ignore"\n']
    for a in UNITS:
        out.append(f'\n[[modules]]\npath = "django.{a.replace("/", ".")}"\ndepends_on = []\n')
    return "".join(out)


def generated():
    return {"django-rule-cost-pairwise.layers.toml": pairwise_config(),
            "django-rule-cost-grouped.layers.toml": grouped_config(),
            "django-rule-cost.tach.toml": tach_config()}


def load_configs():
    """The committed configs, checked against the generator so the two never drift apart."""
    files = {}
    for name, text in generated().items():
        path = os.path.join(CONFIGS, name)
        if not os.path.isfile(path) or open(path).read() != text:
            raise SystemExit(f"{path} is missing or differs from the generator: run bench/rule-cost.py --write-configs")
        files[name] = text
    return files


def django_dir(corpora):
    d = os.path.join(corpora, "Django-5.1.4")
    return d if os.path.isdir(os.path.join(d, "django")) else None


def run(argv, cwd, **kw):
    return subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def timed(argv, cwd):
    """(wall seconds, CPU seconds: user + system) of one run, the process spawned directly (no
    shell in the measured span). CPU time, from wait4's rusage of that child alone, is the
    steadier figure on a loaded machine; wall time is what a user waits."""
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime + ru.ru_stime


def statements(d, sites):
    """(path, first line of the import statement) of each (path, line), Python's own parser
    telling which lines a statement spans."""
    starts, out = {}, set()
    for path, line in sites:
        if path not in starts:
            m = starts[path] = {}
            try:
                tree = ast.parse(open(os.path.join(d, path), encoding="utf-8").read())
            except (OSError, SyntaxError, ValueError):
                tree = None
            for n in ast.walk(tree) if tree else ():
                if isinstance(n, (ast.Import, ast.ImportFrom)):
                    for x in range(n.lineno, n.end_lineno + 1):
                        m[x] = n.lineno
        out.add((path, starts[path].get(line, line)))
    return out


def measure(ag, corpora, venv=None, rounds=10, log=sys.stderr):
    """Run the benchmark; returns a dict for markdown(), or None without the Django corpus."""
    d = django_dir(corpora)
    if d is None:
        return None
    ag = os.path.abspath(ag)
    cfg = load_configs()
    # archgate's root is the folder of its config: both configs go next to django/.
    for s in SPELLINGS:
        open(os.path.join(d, f"rule-cost-{s}.layers.toml"), "w").write(cfg[f"django-rule-cost-{s}.layers.toml"])
    cmd = {}
    for s in SPELLINGS:
        base = [ag, "check", "--format", "json", "--config", f"rule-cost-{s}.layers.toml"]
        # a cache per spelling, so that neither run finds the other's entries
        cmd[f"{s} warm"] = base + ["--cache-dir", f".archgate_cache_rule_cost_{s}"]
        cmd[f"{s} cold"] = base + ["--no-cache"]

    # Findings of both spellings, compared.
    reports, keys, report_bytes = {}, {}, {}
    for s in SPELLINGS:
        out = subprocess.run(cmd[f"{s} cold"], cwd=d, capture_output=True, text=True)
        if out.returncode not in (0, 1):
            raise SystemExit(f"archgate exited {out.returncode} on the {s} contract:\n{out.stderr}")
        reports[s] = json.loads(out.stdout)
        report_bytes[s] = len(out.stdout.encode())
        # every field but the two that name the matching [[forbid]] entry
        keys[s] = sorted(tuple(sorted((k, json.dumps(x)) for k, x in v.items() if k not in ("message", "help")))
                         for v in reports[s]["violations"])
    agree = keys["pairwise"] == keys["grouped"]
    violations = reports["pairwise"]["violations"]
    codes = sorted({v["code"] for v in violations})
    ag_statements = statements(d, ((v["path"], v["line"]) for v in violations))

    tach = None
    if venv and os.path.isfile(os.path.join(venv, "bin", "tach")):
        tach = [os.path.join(venv, "bin", "tach"), "check", "--output", "json"]
        tach_toml = os.path.join(d, "tach.toml")
        saved = open(tach_toml).read() if os.path.isfile(tach_toml) else None
        open(tach_toml, "w").write(cfg["django-rule-cost.tach.toml"])
        out = subprocess.run(tach, cwd=d, capture_output=True, text=True)
        try:
            located = [e["Located"] for e in json.loads(out.stdout) if "Located" in e]
        except (ValueError, TypeError, KeyError):
            located = []
        # tach reports each imported name on its own line; archgate each import site. Both
        # mapped to the import statement holding them:
        tach_statements = statements(d, ((e["file_path"], e["line_number"]) for e in located))
        tach_res = dict(diagnostics=len(located), statements=len(tach_statements), rc=out.returncode,
                        same_statements=tach_statements == ag_statements,
                        only_tach=len(tach_statements - ag_statements), only_archgate=len(ag_statements - tach_statements))

    order = list(cmd)
    samples = {name: [] for name in order + (["tach check"] if tach else [])}
    cpu = {name: [] for name in samples}
    try:
        for s in SPELLINGS:
            run(cmd[f"{s} warm"], d)  # prime each spelling's cache
        for r in range(rounds):
            # ABBA: even rounds pairwise first, odd rounds grouped first, in both modes.
            names = order if r % 2 == 0 else ["grouped warm", "pairwise warm", "grouped cold", "pairwise cold"]
            for name in names:
                w, c = timed(cmd[name], d)
                samples[name].append(w)
                cpu[name].append(c)
            if tach:
                w, c = timed(tach, d)
                samples["tach check"].append(w)
                cpu["tach check"].append(c)
    finally:
        if tach:
            if saved is None:
                os.remove(tach_toml)
            else:
                open(tach_toml, "w").write(saved)
    med = {name: statistics.median(s) for name, s in samples.items()}
    cpu_med = {name: statistics.median(s) for name, s in cpu.items()}
    res = dict(
        rounds=rounds, medians=med, samples=samples, cpu_medians=cpu_med, cpu_samples=cpu,
        cpu_ratio_warm=cpu_med["pairwise warm"] / cpu_med["grouped warm"],
        cpu_ratio_cold=cpu_med["pairwise cold"] / cpu_med["grouped cold"], agree=agree, codes=codes,
        counts={s: len(keys[s]) for s in SPELLINGS},
        summary=reports["pairwise"]["summary"],
        report_bytes=report_bytes, files=len({v["path"] for v in violations}), statements=len(ag_statements),
        ratio_warm=med["pairwise warm"] / med["grouped warm"],
        ratio_cold=med["pairwise cold"] / med["grouped cold"],
        # the rule cost alone: per round, pairwise minus grouped (same round, same load)
        extra_warm=statistics.median(p - g for p, g in zip(samples["pairwise warm"], samples["grouped warm"])),
        extra_cold=statistics.median(p - g for p, g in zip(samples["pairwise cold"], samples["grouped cold"])),
        tach=tach_res if tach else None,
        archgate=ag,
    )
    if not agree:
        only_p = sorted(set(keys["pairwise"]) - set(keys["grouped"]))[:5]
        only_g = sorted(set(keys["grouped"]) - set(keys["pairwise"]))[:5]
        print(f"   rule-cost: the spellings disagree; only pairwise (first 5): {only_p}; only grouped: {only_g}", file=log)
    for name, m in med.items():
        print(f"   rule-cost {name:16} {m:.3f} s wall, {cpu_med[name]:.3f} s CPU", file=log)
    print(f"   rule-cost pairwise/grouped: warm {res['ratio_warm']:.2f}× ({res['cpu_ratio_warm']:.2f}× CPU), "
          f"cold {res['ratio_cold']:.2f}× ({res['cpu_ratio_cold']:.2f}× CPU); "
          f"findings {res['counts']['pairwise']} / {res['counts']['grouped']} ({'identical' if agree else 'DIFFERENT'})", file=log)
    return res


def markdown(res):
    m, n, t = res["medians"], len(UNITS), res["tach"]
    lines = [
        "## rule cost (Django)", "",
        f"One contract on `django/`, \"none of {n} packages imports another\" (the 14 top-level packages",
        "but `contrib`, and the 6 largest `contrib` apps), in two spellings",
        "(`bench/configs/django-rule-cost-*.layers.toml`, written by `bench/rule-cost.py`):",
        f"{n * (n - 1)} pairwise `[[forbid]]` entries `from = \"django/a/**\"`, `to = \"django/b/**\"`, and {n}",
        "entries `to = \"django/{b,c,…}/**\"`. Every round runs both, alternating which goes first",
        f"({res['rounds']} rounds); `--format json` to /dev/null. CPU time (user + system, from `wait4`) is the",
        "steadier figure when the machine is shared. Target (issue 10, item 6): pairwise ≤ 1.15× grouped.", "",
        f"| archgate | {n * (n - 1)} entries, median s | {n} entries, median s | ratio | difference, median of the rounds "
        f"| CPU s (user + sys), {n * (n - 1)} / {n} entries | CPU ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |"]
    for mode, label in (("warm", "warm (cache primed: rules, resolution, report)"), ("cold", "cold (`--no-cache`)")):
        c = res["cpu_medians"]
        lines.append(f"| {label} | {m['pairwise ' + mode]:.3f} | {m['grouped ' + mode]:.3f} | **{res['ratio_' + mode]:.2f}×** | "
                     f"{1000 * res['extra_' + mode]:.0f} ms | {c['pairwise ' + mode]:.3f} / {c['grouped ' + mode]:.3f} | "
                     f"{res['cpu_ratio_' + mode]:.2f}× |")
    lines.append("")
    agree = "identical in every field but `message` and `help`" if res["agree"] else "**different**"
    lines.append(f"- findings: {res['counts']['pairwise']:,} with {n * (n - 1)} entries and {res['counts']['grouped']:,} "
                 f"with {n} ({', '.join(res['codes'])}, {res['statements']:,} import statements in {res['files']} files): "
                 f"{agree}, the two fields that name the entry (so the {n}-entry JSON report is larger: "
                 f"{res['report_bytes']['grouped'] / 1e6:.1f} MB against {res['report_bytes']['pairwise'] / 1e6:.1f} MB)")
    if t:
        same = ("the same import statements as archgate" if t["same_statements"] else
                f"**not** archgate's statements ({t['only_tach']} only tach's, {t['only_archgate']} only archgate's)")
        lines.append(f"- tach check on the same contract (`bench/configs/django-rule-cost.tach.toml`: {n} modules, each "
                     f"`depends_on = []`), `--output json`, in the same rounds: {m['tach check']:.3f} s; "
                     f"{t['diagnostics']:,} diagnostics (one per imported name) on {t['statements']:,} import statements, "
                     f"{same}. archgate is faster by {m['tach check'] / m['pairwise warm']:.1f}× warm and "
                     f"{m['tach check'] / m['pairwise cold']:.2f}× cold with {n * (n - 1)} entries, "
                     f"{m['tach check'] / m['grouped warm']:.1f}× and {m['tach check'] / m['grouped cold']:.2f}× with {n}")
    lines.append("")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("archgate", nargs="?", default=os.path.join(REPO, "target", "release", "archgate"))
    p.add_argument("--rounds", type=int, default=int(os.environ.get("RUNS", 10)))
    p.add_argument("--corpora", default=os.environ.get("CORPORA", "/tmp/corpora"))
    p.add_argument("--venv", default=os.environ.get("VENV", "/tmp/peers-venv"))
    p.add_argument("--write-configs", action="store_true", help="regenerate the configs in bench/configs/ and exit")
    p.add_argument("--json", help="also write the raw results (every sample) to this file")
    args = p.parse_args()
    if args.write_configs:
        for name, text in generated().items():
            open(os.path.join(CONFIGS, name), "w").write(text)
            print(f"wrote bench/configs/{name}")
        return
    res = measure(args.archgate, args.corpora, args.venv, args.rounds)
    if res is None:
        raise SystemExit(f"no Django 5.1.4 under {args.corpora}: run ../shared/bench/python-peers.sh")
    if args.json:
        json.dump(res, open(args.json, "w"), indent=1)
    print(markdown(res))


if __name__ == "__main__":
    main()
