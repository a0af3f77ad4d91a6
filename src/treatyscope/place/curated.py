"""geodata/curated/*.yaml (edited by people) compiled to geodata/curated.json (read at run time).

YAML is the source of truth and what contributors edit; parsing it on every command would cost more than the
rest of a lookup, so `tools/build_geodata.py --curated-only` compiles it, and a test fails when the compiled file
is stale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

CURATED_FILES = ("status.yaml", "features.yaml", "ambiguous.yaml", "entities.yaml")


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def compile_curated(geodata_root: Path) -> dict[str, Any]:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[str, Any] = {"format": "treatyscope.curated/1", "sources": {}}
    for name in CURATED_FILES:
        path = geodata_root / "curated" / name
        raw = path.read_bytes()
        out["sources"][name] = hashlib.sha256(raw).hexdigest()
        out[name.removesuffix(".yaml")] = _plain(yaml.load(raw, Loader=loader))
    return out
