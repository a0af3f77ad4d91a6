"""Where the vendored data lives: inside the installed package, or in the source checkout."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from treatyscope.errors import DataError, UsageError

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


@cache
def data_dir(name: str) -> Path:
    """`geodata` or `rules`: the copy bundled in the wheel, else the repository's own (editable installs)."""
    for candidate in (_PACKAGE / "_data" / name, _CHECKOUT / name):
        if candidate.is_dir():
            return candidate
    raise DataError(
        f"treatyscope's {name}/ directory is missing.", "Reinstall the package (pip install . in its source tree)."
    )


def geodata_dir() -> Path:
    return data_dir("geodata")


def rules_dir() -> Path:
    return data_dir("rules")


def check_writable(path: str) -> None:
    """That a file can be written at `path` (its directory exists and may be written to): asked before the work,
    so that a long computation does not end in "cannot write"."""
    parent = Path(path).parent
    if not parent.is_dir():
        raise UsageError(f"Cannot write {path}: the directory {parent} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"Cannot write {path}: the directory {parent} is not writable.")
