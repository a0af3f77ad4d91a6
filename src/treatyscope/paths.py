"""Where the vendored data lives: inside the installed package, or in the source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from treatyscope.errors import DataError

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
