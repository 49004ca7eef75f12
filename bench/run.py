#!/usr/bin/env python3
"""bench/run.py: archgate against its peers on the corpora of ../shared/bench/, alternating the
commands round by round in one run, and BENCHMARKS.md written from the medians.

Called by bench/run.sh (which builds archgate). Standard library only. The last section,
"rule cost", is bench/rule-cost.py run with the same build and rounds. For every command and
round: wall time (perf_counter around the process); then one more run of each for its peak
RSS (`/usr/bin/time -f %M`).
Commands of one corpus run in turn within each round, so load that comes and goes hits all of
them alike; ratios are only ever taken between commands of the same corpus and run.
"""
import argparse, glob, json, os, platform, shlex, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def sh(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def timed(cmd, cwd):
    """Wall seconds of one run of a command, started directly: no shell and no /usr/bin/time
    in the measured span, so fast commands pay no fixed overhead that would shrink ratios."""
    t0 = time.perf_counter()
    subprocess.run(shlex.split(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def peak_rss(cmd, cwd):
    """Peak RSS (MB) of one run, from /usr/bin/time (wait4's rusage of a child forked from
    this Python process would count the fork's memory too)."""
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *shlex.split(cmd)], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    try:
        return int(out.strip().splitlines()[-1]) / 1024
    except (ValueError, IndexError):
        return float("nan")


def top_level_excludes(d):
    """Every top-level entry of a TypeScript corpus but src/, as exclude globs."""
    names = sorted(e for e in os.listdir(d) if e not in ("src", "layers.toml"))
    return "exclude = [" + ", ".join(json.dumps(n) for n in names) + "]\n"


def corpus_specs(args):
    ag = os.path.join(REPO, "target", "release", "archgate")
    venv, peers, corpora = args.venv, args.peers, args.corpora
    node = (glob.glob(f"{peers}/node/node_modules/node-linux-*/bin/node") or ["node"])[0]
    tools = f"{peers}/tools/node_modules"
    cfgs = f"{corpora}/ts-peers-configs"
    depcruise = f"{node} {tools}/dependency-cruiser/bin/dependency-cruiser.mjs src --output-type err --no-progress"
    specs = []
    # The file changed in "warm, 1 file changed": a typical module of the corpus, not its largest.
    for name, pkg, touch in (("django", "django", "django/db/models/fields/files.py"),
                             ("sympy", "sympy", "sympy/core/containers.py")):
        d = (glob.glob(f"{corpora}/Django-*") if name == "django" else glob.glob(f"{corpora}/sympy-*"))
        if not d:
            continue
        il = f"{corpora}/configs/{name}-importlinter.ini"
        specs.append(dict(
            name=name, dir=d[0], layers=open(f"{HERE}/configs/{name}.layers.toml").read(), touch=touch,
            setup=f"cp {corpora}/configs/{name}-tach.toml tach.toml",
            peers={
                "lint-imports": f"{venv}/bin/lint-imports {il} --no-cache --no-logo",
                "tach check": f"{venv}/bin/tach check",
                "ruff analyze graph": f"{venv}/bin/ruff analyze graph --isolated {pkg}",
            },
            fastest_peer="ruff analyze graph"))
    for name, touch in (("effect-4.1.0", "src/sql/SqlClient.ts"), ("rxjs-7.8.1", "src/internal/Observable.ts")):
        d = f"{corpora}/{name}"
        if not os.path.isdir(d):
            continue
        specs.append(dict(
            name=name, dir=d, touch=touch,
            layers=top_level_excludes(d) + open(f"{HERE}/configs/{name}.layers.toml").read(),
            setup=f"rm -rf {peers}/depcruise-cache/{name}; {depcruise} --config {cfgs}/{name}.depcruise-cache.json",
            peers={
                "dependency-cruiser cold": f"{depcruise} --config {cfgs}/{name}.depcruise.json",
                "dependency-cruiser cached": f"{depcruise} --config {cfgs}/{name}.depcruise-cache.json",
                "madge": f"{node} {tools}/madge/bin/cli.js --circular --extensions ts,tsx --ts-config tsconfig.json --no-spinner --no-color src",
            },
            fastest_peer="dependency-cruiser cached"))
    d = f"{corpora}/rust-vendor"
    if os.path.isdir(d):
        specs.append(dict(name="rust-vendor", dir=d, touch="tokio-1.54.1/src/sync/mutex.rs", setup="",
                          layers=open(f"{HERE}/configs/rust-vendor.layers.toml").read(),
                          peers={}, fastest_peer=None))
    for s in specs:
        if s["touch"] and not os.path.isfile(os.path.join(s["dir"], s["touch"])):
            s["touch"] = None
        s["archgate"] = {
            "archgate cold": f"{ag} check --format agent --no-cache",
            "archgate cold --jobs 1": f"{ag} check --format agent --no-cache --jobs 1",
            "archgate warm": f"{ag} check --format agent",
        }
        if s["touch"]:
            s["archgate"]["archgate warm, 1 file changed"] = f"{ag} check --format agent"
    return specs


def run_corpus(spec, rounds):
    d = spec["dir"]
    with open(os.path.join(d, "layers.toml"), "w") as f:
        f.write(spec["layers"])
    if spec["setup"]:
        sh(spec["setup"], d)
    commands = {**spec["archgate"], **spec["peers"]}
    touch = os.path.join(d, spec["touch"]) if spec["touch"] else None
    backup = touch and open(touch, "rb").read()
    sh(spec["archgate"]["archgate warm"], d)  # prime archgate's cache
    samples = {name: [] for name in commands}
    try:
        for _ in range(rounds):
            for name, cmd in commands.items():
                if name == "archgate warm, 1 file changed":
                    with open(touch, "ab") as f:  # new content: one cache miss
                        f.write(b"\n")
                samples[name].append(timed(cmd, d))
                if name == "archgate warm, 1 file changed":
                    # Back to the original, so the peers' caches stay valid, and archgate's
                    # cache holds it again for the next warm run (untimed).
                    open(touch, "wb").write(backup)
                    sh(cmd, d)
    finally:
        if touch:
            open(touch, "wb").write(backup)
    rss = {name: peak_rss(cmd, d) for name, cmd in commands.items()}
    return {name: dict(wall=statistics.median(s), rss=rss[name], runs=len(s))
            for name, s in samples.items()}


def files_and_mb(d):
    out = subprocess.run([os.path.join(REPO, "target/release/archgate"), "graph", "--format", "json",
                          "--no-cache"], cwd=d, capture_output=True, text=True).stdout
    try:
        files = [f["path"] for f in json.loads(out)["files"]]
    except (ValueError, KeyError):
        return 0, 0.0
    return len(files), sum(os.path.getsize(os.path.join(d, f)) for f in files) / 1e6


def versions(args):
    def v(cmd):
        r = subprocess.run(cmd, shell=True, capture_output=True, text=True)
        return (r.stdout or r.stderr).strip().splitlines()[0] if (r.stdout or r.stderr).strip() else "?"
    ag = os.path.join(REPO, "target/release/archgate")
    return [
        f"archgate: {v(ag + ' --version')} (release build, commit {v('git -C ' + REPO + ' rev-parse --short HEAD')})",
        f"import-linter: {v(args.venv + '/bin/lint-imports --version')}; tach: {v(args.venv + '/bin/tach --version')}; ruff: {v(args.venv + '/bin/ruff --version')}",
        f"dependency-cruiser, madge: the versions `../shared/bench/ts-peers.sh` installs (18.7.2, 8.0.0)",
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {v('uname -sr')}, load before the run {open('/proc/loadavg').read().split()[0]}",
        f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
    ]


def write_markdown(results, args):
    lines = ["# Benchmarks", "",
             "Written by `bench/run.sh` from one run: every command of a corpus runs in turn within each",
             f"round ({args.rounds} rounds), so ratios compare commands measured side by side. Median wall time,",
             "peak resident memory (one more run each). *cold* is `--no-cache` (every file parsed);",
             "*warm* reuses `.archgate_cache/` with nothing changed; *1 file changed* appends a line to one",
             "source file before each run. Peers run with the equivalent contract (`bench/configs/`).", "",
             *[f"- {l}" for l in versions(args)], ""]
    for name, (spec, res, files, mb) in results.items():
        cold = res["archgate cold"]["wall"]
        warm = res["archgate warm"]["wall"]
        lines += [f"## {name}", "", f"{files} files, {mb:.1f} MB of source.", "",
                  "| command | median wall s | peak RSS MB | archgate cold is faster by | archgate warm is faster by |",
                  "| --- | --- | --- | --- | --- |"]
        for cmd, r in res.items():
            ratio = lambda ours: "—" if cmd.startswith("archgate") else f"{r['wall'] / ours:.1f}×"
            lines.append(f"| {cmd} | {r['wall']:.3f} | {r['rss']:.1f} | {ratio(cold)} | {ratio(warm)} |")
        j1 = res["archgate cold --jobs 1"]["wall"]
        lines += ["", f"- two worker threads vs one (cold): {j1 / cold:.2f}×; warm is {100 * warm / cold:.1f}% of cold;"
                  f" cold throughput {files / cold:,.0f} files/s, {mb / cold:.1f} MB/s ({mb / j1:.1f} MB/s on one core)"]
        if "archgate warm, 1 file changed" in res:
            lines.append(f"- warm with one file changed is {res['archgate warm, 1 file changed']['wall'] / warm:.2f}× warm with nothing changed")
        if spec["fastest_peer"] and spec["fastest_peer"] in res:
            p = res[spec["fastest_peer"]]["wall"]
            lines.append(f"- against the fastest peer ({spec['fastest_peer']}): warm {p / warm:.1f}× faster, cold {p / cold:.2f}× ({'faster' if p > cold else 'slower'})")
        peers_rss = [r["rss"] for c, r in res.items() if not c.startswith("archgate")]
        if peers_rss:
            lines.append(f"- peak memory: archgate {max(r['rss'] for c, r in res.items() if c.startswith('archgate')):.1f} MB, lowest peer {min(peers_rss):.1f} MB")
        lines.append("")
    return "\n".join(lines)


def rule_cost(args):
    """bench/rule-cost.py's section (380 pairwise [[forbid]] entries against the same contract in
    20, on Django) with this build; None without the Django corpus."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("rule_cost", os.path.join(HERE, "rule-cost.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    res = mod.measure(os.path.join(REPO, "target", "release", "archgate"), args.corpora, args.venv, args.rounds)
    return res and mod.markdown(res)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=int(os.environ.get("RUNS", 10)))
    p.add_argument("--corpora", default=os.environ.get("CORPORA", "/tmp/corpora"))
    p.add_argument("--venv", default=os.environ.get("VENV", "/tmp/peers-venv"))
    p.add_argument("--peers", default=os.environ.get("PEERS", "/tmp/ts-peers"))
    p.add_argument("--out", default=os.path.join(REPO, "BENCHMARKS.md"))
    p.add_argument("only", nargs="*", help="corpus names, or rule-cost (default: every corpus found, and rule-cost)")
    args = p.parse_args()
    results = {}
    for spec in corpus_specs(args):
        if args.only and spec["name"] not in args.only:
            continue
        print(f"== {spec['name']}", file=sys.stderr)
        res = run_corpus(spec, args.rounds)
        files, mb = files_and_mb(spec["dir"])
        results[spec["name"]] = (spec, res, files, mb)
        for cmd, r in res.items():
            print(f"   {cmd:32} {r['wall']:.3f} s {r['rss']:.1f} MB", file=sys.stderr)
    md = write_markdown(results, args)
    if not args.only or "rule-cost" in args.only:
        print("== rule-cost", file=sys.stderr)
        section = rule_cost(args)
        if section:
            md += "\n" + section
    open(args.out, "w").write(md)
    print(md)


if __name__ == "__main__":
    main()
