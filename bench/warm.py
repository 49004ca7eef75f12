#!/usr/bin/env python3
"""bench/warm.py: warm runs of two archgate builds (and peers) side by side, round by round.

Each build gets its own cache folder, primed by one run; then every round runs every command
once, in turn, so load that comes and goes hits them alike. Every run goes through
/usr/bin/time (user and system seconds, peak RSS), wall time around it; the table gives
medians, and the ratio of each command's wall time to the last build's warm run. Standard
library only.

Usage:  python3 bench/warm.py --dir /tmp/scale --rounds 5 \\
            --build before=/tmp/ag-before --build after=target/release/archgate \\
            [--peer "ruff analyze graph=/tmp/peers-venv/bin/ruff analyze graph --isolated django"] \\
            [--cold] [-- ARCHGATE ARGS (default: check --format agent)]
"""
import argparse, os, shlex, shutil, statistics, subprocess, tempfile, time


def run(cmd, cwd):
    """(wall, user, sys, peak MB) of one run: user and system time and peak RSS from
    /usr/bin/time, wall time from a clock around it (/usr/bin/time's is in hundredths)."""
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", *cmd], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    wall = time.perf_counter() - t0
    user, sys_, rss = out.strip().splitlines()[-1].split()
    return wall, float(user), float(sys_), int(rss) / 1024


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--build", action="append", default=[], help="NAME=PATH of an archgate binary")
    p.add_argument("--peer", action="append", default=[], help="NAME=COMMAND")
    p.add_argument("--cold", action="store_true", help="also time --no-cache runs of each build")
    p.add_argument("args", nargs="*", default=["check", "--format", "agent"])
    a = p.parse_args()
    caches = tempfile.mkdtemp(prefix="warm-bench-")
    try:
        bench(a, caches)
    finally:
        shutil.rmtree(caches, ignore_errors=True)


def bench(a, caches):
    commands = []
    for spec in a.build:
        name, path = spec.split("=", 1)
        path = os.path.abspath(path)
        cache = os.path.join(caches, name)
        warm = [path, *a.args, "--cache-dir", cache]
        run(warm, a.dir)  # primes the cache
        if a.cold:
            commands.append((f"{name}: cold", [path, *a.args, "--no-cache"]))
        commands.append((f"{name}: warm", warm))
    for spec in a.peer:
        name, cmd = spec.split("=", 1)
        commands.append((name, shlex.split(cmd)))
    samples = {name: [] for name, _ in commands}
    for _ in range(a.rounds):
        for name, cmd in commands:
            samples[name].append(run(cmd, a.dir))
    medians = {name: [statistics.median(c) for c in zip(*samples[name])] for name, _ in commands}
    last_warm = [name for name, _ in commands if name.endswith(": warm")][-1]
    print("| command | median wall s | user s | sys s | peak RSS MB | wall / last build's warm |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, _ in commands:
        wall, user, sys_, rss = medians[name]
        ratio = wall / medians[last_warm][0]
        print(f"| {name} | {wall:.3f} | {user:.2f} | {sys_:.2f} | {rss:.0f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
