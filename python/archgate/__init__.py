"""archgate, the architecture-guardrail linter, installed from its wheel.

The package holds no Python code of the checker: the wheel puts the ``archgate`` binary in
the environment's scripts folder, and :func:`find_archgate_bin` returns its path, for
``python -m archgate`` and for tools that want to run it.
"""

from __future__ import annotations

import os
import sys
import sysconfig

__all__ = ["find_archgate_bin"]


def _user_scheme() -> str:
    """The install scheme of ``pip install --user``."""
    if sys.version_info >= (3, 10):
        return sysconfig.get_preferred_scheme("user")
    if os.name == "nt":
        return "nt_user"
    if sys.platform == "darwin" and getattr(sys, "_framework", None):
        return "osx_framework_user"
    return "posix_user"


def find_archgate_bin() -> str:
    """Return the path of the ``archgate`` binary this package was installed with.

    Looks in the scripts folder of the running environment (a virtualenv, ``uvx``'s tool
    environment, a system install), then in the user scheme's (``pip install --user``).
    Raises :class:`FileNotFoundError` naming both places when it is in neither.
    """
    name = "archgate" + (sysconfig.get_config_var("EXE") or "")
    candidates = [os.path.join(sysconfig.get_path("scripts"), name)]
    try:
        candidates.append(
            os.path.join(sysconfig.get_path("scripts", scheme=_user_scheme()), name)
        )
    except KeyError:
        pass
    for path in candidates:
        if os.path.isfile(path):
            return path
    raise FileNotFoundError(
        "the archgate binary is not installed next to this Python package; looked at "
        + ", ".join(candidates)
        + ". Reinstall it with `pip install --force-reinstall archgate`."
    )
