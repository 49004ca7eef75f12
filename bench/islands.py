#!/usr/bin/env python3
"""bench/islands.py: cold runs of two archgate builds (before and after a change to parsing)
side by side with `ruff analyze graph` and `tach check`, on the Python corpora of
../shared/bench/python-peers.sh, alternating the commands round by round in one run; and the
scale tree of bench/gen-scale.py (cold, warm, peak memory). Prints a Markdown section for
BENCHMARKS.md. Standard library only.

Usage:  python3 bench/islands.py BEFORE AFTER [--rounds N] [--scale DIR]
"""
import argparse, os, shlex, statistics, subprocess, time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, cwd):
    t0 = time.perf_counter()
    subprocess.run(shlex.split(cmd), cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def time_v(cmd, cwd):
    """(wall s, user s, sys s, peak RSS MB) of one run, from /usr/bin/time -v."""
    err = subprocess.run(["/usr/bin/time", "-v", *shlex.split(cmd)], cwd=cwd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True).stderr
    fields = {}
    for line in err.splitlines():
        key, _, value = line.strip().rpartition(": ")
        fields[key] = value
    wall = fields.get("Elapsed (wall clock) time (h:mm:ss or m:ss)", "0:0")
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return (seconds, float(fields.get("User time (seconds)", 0)), float(fields.get("System time (seconds)", 0)),
            int(fields.get("Maximum resident set size (kbytes)", 0)) / 1024)


def corpus(name, d, before, after, venv, rounds):
    with open(os.path.join(d, "layers.toml"), "w") as f:
        f.write(open(f"{HERE}/configs/{name}.layers.toml").read())
    subprocess.run(f"cp {os.path.dirname(d)}/configs/{name}-tach.toml tach.toml", shell=True, cwd=d)
    commands = {
        "archgate cold, before": f"{before} check --format agent --no-cache",
        "archgate cold, islands": f"{after} check --format agent --no-cache",
        "archgate cold --jobs 1, before": f"{before} check --format agent --no-cache --jobs 1",
        "archgate cold --jobs 1, islands": f"{after} check --format agent --no-cache --jobs 1",
        "archgate warm, islands": f"{after} check --format agent",
        "tach check": f"{venv}/bin/tach check",
        "ruff analyze graph": f"{venv}/bin/ruff analyze graph --isolated {name}",
    }
    timed(commands["archgate warm, islands"], d)  # prime the cache
    samples = {k: [] for k in commands}
    for _ in range(rounds):
        for k, cmd in commands.items():
            samples[k].append(timed(cmd, d))
    rss = {k: time_v(cmd, d)[3] for k, cmd in commands.items()}
    return {k: (statistics.median(v), rss[k]) for k, v in samples.items()}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--corpora", default="/tmp/corpora")
    p.add_argument("--venv", default="/tmp/peers-venv")
    p.add_argument("--scale", default=None)
    a = p.parse_args()
    out = [f"load before the run {open('/proc/loadavg').read().split()[0]}, {os.cpu_count()} cores, "
           f"{a.rounds} rounds, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", ""]
    for name, d in (("django", f"{a.corpora}/Django-5.1.4"), ("sympy", f"{a.corpora}/sympy-1.13.3")):
        if not os.path.isdir(d):
            continue
        res = corpus(name, d, a.before, a.after, a.venv, a.rounds)
        out += [f"### {name}", "", "| command | median wall s | peak RSS MB |", "| --- | --- | --- |"]
        out += [f"| {k} | {w:.3f} | {r:.1f} |" for k, (w, r) in res.items()]
        cold, base, ruff, tach = (res[k][0] for k in ("archgate cold, islands", "archgate cold, before",
                                                        "ruff analyze graph", "tach check"))
        one_b, one_a = res["archgate cold --jobs 1, before"][0], res["archgate cold --jobs 1, islands"][0]
        warm = res["archgate warm, islands"][0]
        out += ["", f"- islands vs before: cold {base / cold:.2f}× faster ({one_b / one_a:.2f}× on one thread)",
                f"- cold against ruff: {ruff / cold:.2f}× ({'faster' if ruff > cold else 'slower'}); "
                f"against tach: {tach / cold:.2f}×; warm against ruff: {ruff / warm:.1f}×", ""]
    if a.scale and os.path.isdir(a.scale):
        out += ["### scale tree (bench/gen-scale.py: 160,017 Python + 40,000 TypeScript files)", "",
                "| command | wall s | user s | sys s | peak RSS MB |", "| --- | --- | --- | --- | --- |"]
        for label, binary in (("before", a.before), ("islands", a.after)):
            subprocess.run(["rm", "-rf", os.path.join(a.scale, ".archgate_cache")])
            for mode, flags in (("cold", "--no-cache"), ("first run, cache written", ""), ("warm", ""), ("warm again", "")):
                w, u, s, r = time_v(f"{binary} check --format agent {flags}", a.scale)
                out.append(f"| {label}: {mode} | {w:.2f} | {u:.2f} | {s:.2f} | {r:.0f} |")
        out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
