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
    raise DataError(f"treatyscope's {name}/ directory is missing.", "Reinstall the package (pip install treatyscope).")


def geodata_dir() -> Path:
    return data_dir("geodata")


def rules_dir() -> Path:
    return data_dir("rules")


@cache
def code_digest() -> str:
    """A hash of the modules whose logic decides answers: disk caches keyed by it are dropped when the logic
    changes (an editable install, or an upgrade that keeps the version number)."""
    import hashlib

    h = hashlib.sha256()
    for name in ("engine.py", "evaluation/__init__.py", "evaluation/coverage.py", "place/locate.py", "rules/load.py"):
        path = _PACKAGE / name
        h.update(path.read_bytes() if path.exists() else name.encode())
    return h.hexdigest()[:16]
