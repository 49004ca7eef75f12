"""``python -m archgate ARGS``: runs the installed ``archgate`` binary with ARGS."""

from __future__ import annotations

import os
import sys

from archgate import find_archgate_bin


def main() -> int:
    """Run the binary with this process's arguments; return its exit code."""
    binary = os.fsdecode(find_archgate_bin())
    if sys.platform == "win32":
        # Windows has no exec that keeps the console and the exit code: wait for it.
        import subprocess

        return subprocess.run([binary, *sys.argv[1:]]).returncode
    os.execv(binary, [binary, *sys.argv[1:]])
    return 2  # not reached: execv replaces this process or raises


if __name__ == "__main__":
    sys.exit(main())
