#!/usr/bin/env python3
"""Hostile shapes for chains of imports: `indirect = true` contracts with many cut links or
many pairs through one hub, `[[forbid]]` entries by the thousand, and `impact` / `risk` on a
long chain. Times each binary given at n and 4n, alternating them, and prints a Markdown
table (seconds, peak RSS).

    python3 bench/hostile-chains.py BEFORE AFTER [--n 1000] [--rounds 3] [--work /tmp/hostile]
"""
import argparse
import os
import shutil
import subprocess
import time

LAYERS = (
    '[check]\nindirect = true\n\n[[layers]]\nname = "api"\npaths = ["app/api/**"]\n\n'
    '[[layers]]\nname = "core"\npaths = ["app/core/**"]\n'
)


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def packages(root):
    for folder, dirs, files in os.walk(root):
        if folder != root and (dirs or any(f.endswith(".py") for f in files)):
            open(os.path.join(folder, "__init__.py"), "a").close()


def star(root, n):
    """One core file imports n unlayered files that each import the api: a cut of n links."""
    write(root, "app/core/c.py", "".join(f"import app.glue.u{i}\n" for i in range(n)))
    for i in range(n):
        write(root, f"app/glue/u{i}.py", "import app.api.a\n")
    write(root, "app/api/a.py", "")
    write(root, "layers.toml", LAYERS)


def parallel(root, n):
    """n chains core/cI -> glue/uI -> api/aI: n links, each isolating one file."""
    for i in range(n):
        write(root, f"app/core/c{i}.py", f"import app.glue.u{i}\n")
        write(root, f"app/glue/u{i}.py", f"import app.api.a{i}\n")
        write(root, f"app/api/a{i}.py", "")
    write(root, "layers.toml", LAYERS)


def fan(root, n):
    """n core files import one hub that imports n api files."""
    for i in range(n):
        write(root, f"app/core/c{i}.py", "import app.glue.hub\n")
        write(root, f"app/api/a{i}.py", "")
    write(root, "app/glue/hub.py", "".join(f"import app.api.a{i}\n" for i in range(n)))
    write(root, "layers.toml", LAYERS)


def forbid(root, n):
    """n `[[forbid]]` entries with `indirect = true`, each with its own chain."""
    config = []
    for i in range(n):
        write(root, f"app/core/c{i}.py", f"import app.glue.u{i}\n")
        write(root, f"app/glue/u{i}.py", f"import app.api.a{i}\n")
        write(root, f"app/api/a{i}.py", "")
        config.append(
            f'[[forbid]]\nfrom = "app/core/c{i}.py"\nto = "app/api/a{i}.py"\n'
            'reason = "r"\nindirect = true\n'
        )
    write(root, "layers.toml", "\n".join(config))


def slices(root, n, hub_imports):
    write(
        root,
        "layers.toml",
        '[[modules]]\nname = "slice"\npaths = ["pkg/{slice}/**"]\nindependent = true\n'
        'indirect = true\n\n[[modules]]\nname = "hub"\npaths = ["pkg/hub.py"]\n',
    )
    write(root, "pkg/hub.py", hub_imports)
    for i in range(n):
        write(root, f"pkg/s{i}/__init__.py", "")


def hub_out(root, n):
    """One slice imports a hub that imports n other slices: n pairs through the hub."""
    slices(root, n, "".join(f"import pkg.s{i}\n" for i in range(1, n)))
    write(root, "pkg/s0/__init__.py", "import pkg.hub\n")


def hub_in(root, n):
    """n slices import a hub that imports one slice: n pairs, one link."""
    slices(root, n, "import pkg.s0\n")
    for i in range(1, n):
        write(root, f"pkg/s{i}/__init__.py", "import pkg.hub\n")


def chain(root, n):
    """pkg/m0 -> m1 -> ... -> m(n-1), and a risk tier on m0 (for impact and risk)."""
    write(root, "layers.toml", '[[risk]]\ntier = "high"\npaths = ["pkg/m00000.py"]\n')
    for i in range(n):
        write(root, f"pkg/m{i:05}.py", f"import pkg.m{i + 1:05}\n" if i + 1 < n else "")


SHAPES = {
    "star": (star, ["check", "--no-cache"]),
    "parallel": (parallel, ["check", "--no-cache"]),
    "fan": (fan, ["check", "--no-cache"]),
    "forbid": (forbid, ["check", "--no-cache"]),
    "hub-out": (hub_out, ["check", "--no-cache"]),
    "hub-in": (hub_in, ["check", "--no-cache"]),
    "impact": (chain, None),
    "risk": (chain, ["risk", "--no-cache", "pkg"]),
}


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
    parser.add_argument("--shapes", default=",".join(SHAPES))
    opts = parser.parse_args()
    print("| shape | n | " + " | ".join(os.path.basename(b) for b in opts.binaries) + " |")
    print("| --- | --- |" + " --- |" * len(opts.binaries))
    for name in opts.shapes.split(","):
        make, args = SHAPES[name]
        for n in (opts.n, 4 * opts.n):
            root = os.path.join(opts.work, f"{name}-{n}")
            shutil.rmtree(root, ignore_errors=True)
            make(root, n)
            packages(root)
            run_args = args or ["impact", "--no-cache", f"pkg/m{n - 1:05}.py"]
            best = {b: None for b in opts.binaries}
            for _ in range(opts.rounds):
                for b in opts.binaries:
                    t = timed(b, root, run_args)
                    if best[b] is None or t[0] < best[b][0]:
                        best[b] = t
            cells = [f"{best[b][0]:.2f} s, {best[b][1] // 1024} MB" for b in opts.binaries]
            print(f"| {name} | {n} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
