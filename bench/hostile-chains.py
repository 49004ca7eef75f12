#!/usr/bin/env python3
"""Times archgate binaries side by side on the `chains-*` shapes of bench/adversarial.py:
`indirect = true` contracts with many cut links or many pairs through one hub, `[[forbid]]`
entries by the thousand, and `impact` / `risk` on a long chain. Each shape is written at n and
4n; the binaries run alternately, and the table gives the best of the rounds (wall seconds,
peak RSS).

    python3 bench/hostile-chains.py BEFORE AFTER [--n 1000] [--rounds 3] [--work /tmp/hostile]
"""
import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from adversarial import SHAPES  # noqa: E402

CHAIN_SHAPES = [name for name in SHAPES if name.startswith("chains-")]


def timed(binary, root, args):
    start = time.monotonic()
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", binary, *args],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=600,
    )
    seconds = time.monotonic() - start
    assert proc.returncode in (0, 1), (binary, args, proc.returncode, proc.stderr[-2000:])
    rss = int(proc.stderr.strip().splitlines()[-1])
    return seconds, rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", default="/tmp/hostile-chains")
    parser.add_argument("--shapes", default=",".join(CHAIN_SHAPES))
    opts = parser.parse_args()
    print("| shape | n | " + " | ".join(os.path.basename(b) for b in opts.binaries) + " |")
    print("| --- | --- |" + " --- |" * len(opts.binaries))
    for name in opts.shapes.split(","):
        for n in (opts.n, 4 * opts.n):
            root = Path(opts.work) / f"{name}-{n}"
            shutil.rmtree(root, ignore_errors=True)
            root.mkdir(parents=True)
            args = SHAPES[name](root, n)
            best = {b: None for b in opts.binaries}
            for _ in range(opts.rounds):
                for b in opts.binaries:
                    t = timed(b, root, args)
                    if best[b] is None or t[0] < best[b][0]:
                        best[b] = t
            cells = [f"{best[b][0]:.2f} s, {best[b][1] // 1024} MB" for b in opts.binaries]
            print(f"| {name} | {n} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
