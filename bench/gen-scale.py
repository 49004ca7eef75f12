#!/usr/bin/env python3
"""bench/gen-scale.py: writes the 200,000-file scale tree of issue 15 and its layers.toml.

160,000 small Python modules in 1,600 packages (100 modules each, under 16 top-level layers
of 100 packages) and 40,000 small TypeScript files (400 folders of 100), deterministic (a
fixed seed): every module imports the standard library, two siblings, and modules of its own
layer or the layers below, some of them inside functions and under `if TYPE_CHECKING:`; a few
per mille import upwards, so the check has violations to report. Standard library only.

Usage:  python3 bench/gen-scale.py [OUT]        (default /tmp/scale; OUT is replaced)
Then:   cd OUT && /usr/bin/time -v archgate check --no-cache --format agent   (cold)
        cd OUT && /usr/bin/time -v archgate check --format agent              (warm, twice)
"""
import os, random, shutil, sys

LAYERS = 16
PACKAGES_PER_LAYER = 100
MODULES_PER_PACKAGE = 100  # __init__.py and m000 … m098
TS_FOLDERS = 400
TS_FILES_PER_FOLDER = 100


def python_module(rng, layer, pkg, mod):
    own = f"app.l{layer:02}.p{pkg:03}"
    lines = ['"""Generated module {}.m{:03}."""'.format(own, mod), "import os", "import typing",
             "from typing import TYPE_CHECKING", ""]
    for sibling in rng.sample(range(MODULES_PER_PACKAGE - 1), 2):
        if sibling != mod:
            lines.append(f"from . import m{sibling:03}")
    # Imports of the own layer or below; a few upwards (violations).
    below = rng.randrange(layer, LAYERS) if rng.random() > 0.003 else rng.randrange(0, layer + 1)
    lines.append(f"from app.l{below:02}.p{rng.randrange(PACKAGES_PER_LAYER):03} import m{rng.randrange(MODULES_PER_PACKAGE - 1):03}")
    lines += ["", "if TYPE_CHECKING:",
              f"    from app.l{rng.randrange(layer, LAYERS):02}.p{rng.randrange(PACKAGES_PER_LAYER):03}.m000 import Thing",
              "", "", "class Model:", '    """A model."""', "",
              "    def __init__(self, value: int) -> None:", "        self.value = value", "",
              "    def describe(self) -> str:",
              "        return f\"{type(self).__name__}({self.value!r})\"", "", "",
              "def compute(items):",
              f"    from app.l{rng.randrange(layer, LAYERS):02}.p{rng.randrange(PACKAGES_PER_LAYER):03} import m{rng.randrange(MODULES_PER_PACKAGE - 1):03} as helper",
              "    total = 0", "    for item in items:", "        total += len(os.fspath(item))",
              "    return total", ""]
    return "\n".join(lines)


def ts_file(rng, folder, n):
    lines = [f"import {{ helper{s} }} from \"./f{s:03}\";" for s in rng.sample(range(TS_FILES_PER_FOLDER), 2) if s != n]
    other = rng.randrange(folder, TS_FOLDERS)
    lines.append(f"import type {{ Shape }} from \"../d{other:03}/f{rng.randrange(TS_FILES_PER_FOLDER):03}\";")
    lines += ["", f"export function helper{n}(shape?: Shape): number {{",
              "  const values = [1, 2, 3].map((v) => v * 2);", "  return values.length;", "}", "",
              f"export interface Shape{n} {{ kind: \"circle\" | \"square\"; size: number }}", ""]
    return "\n".join(lines)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/scale"
    if os.path.exists(out):
        shutil.rmtree(out)
    rng = random.Random(15)
    os.makedirs(out)
    with open(os.path.join(out, "layers.toml"), "w") as f:
        for layer in range(LAYERS):
            f.write(f'[[layers]]\nname = "l{layer:02}"\npaths = ["app/l{layer:02}/**"]\n\n')
        f.write('[[layers]]\nname = "web"\npaths = ["web/**"]\n')
    os.makedirs(os.path.join(out, "app"))
    open(os.path.join(out, "app", "__init__.py"), "w").close()
    for layer in range(LAYERS):
        ldir = os.path.join(out, "app", f"l{layer:02}")
        os.makedirs(ldir)
        open(os.path.join(ldir, "__init__.py"), "w").close()
        for pkg in range(PACKAGES_PER_LAYER):
            pdir = os.path.join(ldir, f"p{pkg:03}")
            os.makedirs(pdir)
            open(os.path.join(pdir, "__init__.py"), "w").close()
            for mod in range(MODULES_PER_PACKAGE - 1):  # with __init__.py: 100 files per package
                with open(os.path.join(pdir, f"m{mod:03}.py"), "w") as f:
                    f.write(python_module(rng, layer, pkg, mod))
    for folder in range(TS_FOLDERS):
        fdir = os.path.join(out, "web", f"d{folder:03}")
        os.makedirs(fdir)
        for n in range(TS_FILES_PER_FOLDER):
            with open(os.path.join(fdir, f"f{n:03}.ts"), "w") as f:
                f.write(ts_file(rng, folder, n))
    print(f"wrote {out}: {LAYERS * PACKAGES_PER_LAYER * MODULES_PER_PACKAGE + LAYERS + 1} Python files, "
          f"{TS_FOLDERS * TS_FILES_PER_FOLDER} TypeScript files")


if __name__ == "__main__":
    main()
